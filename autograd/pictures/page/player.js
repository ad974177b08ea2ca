// The player of the backward animation page (autograd.pictures.animate fills player.html).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("frames").textContent);
  var frames = data.frames, last = frames.length - 1;
  function isEmpty(t) { return t.indexOf("grad \u2014") === 0 || t.indexOf("no grad") === 0; }
  // Replay the updates once: texts[k][i] is node i's grad text in frame k.
  var texts = [], current = {}, k, i;
  for (k = 0; k <= last; k++) {
    for (i in frames[k].grads) { current[i] = frames[k].grads[i]; }
    texts.push(Object.assign({}, current));
  }
  var processedAt = {}, finalAt = {}, reachedAt = {};
  for (k = 1; k <= last; k++) { processedAt[frames[k].node] = k; }
  for (k = 0; k <= last; k++) {
    for (i in frames[k].grads) {
      finalAt[i] = k;
      if (!(i in reachedAt) && !isEmpty(frames[k].grads[i])) { reachedAt[i] = k; }
    }
  }
  var leaf = {};
  data.leaves.forEach(function (j) { leaf[j] = true; });
  var step = 0, timer = null;
  var wide = document.getElementById("graph").className === "wide";
  function byId(id) { return document.getElementById(id); }
  function center(box) {  // scroll the graph (not the page) so the current box is in view
    var graph = byId("graph"), g = graph.getBoundingClientRect(), b = box.getBoundingClientRect();
    graph.scrollLeft += (b.left + b.width / 2) - (g.left + graph.clientWidth / 2);
    graph.scrollTop += (b.top + b.height / 2) - (g.top + graph.clientHeight / 2);
  }
  function show(s) {
    step = Math.max(0, Math.min(last, s));
    var f = frames[step];
    for (var n = 0; n < data.nodes; n++) {
      var box = byId("n" + n), text = byId("g" + n), op = byId("n" + n + "op");
      var t = texts[step][n];
      if (text) {
        text.textContent = t;
        text.setAttribute("class", isEmpty(t) ? "empty-grad" : "");
      }
      var state = "empty";
      if (n === f.node) { state = "current"; }
      else if (reachedAt[n] !== undefined && reachedAt[n] <= step) {
        var done = leaf[n] ? finalAt[n] <= step
                           : processedAt[n] !== undefined && processedAt[n] < step;
        state = done ? "final" : "reached";
      }
      if (box) { box.setAttribute("class", "node " + state); }
      if (box && state === "current" && wide) { center(box); }
      if (op) { op.setAttribute("class", "node" + (n === f.node ? " current-op" : "")); }
    }
    data.edges.forEach(function (at, e) {
      var edge = byId("e" + e);
      if (!edge) { return; }
      var look = at === step ? "now" : (at >= 0 && at < step ? "sent" : "future");
      edge.setAttribute("class", "edge " + look);
    });
    byId("caption").textContent = f.caption;
    byId("counter").textContent = "step " + step + " / " + last;
    try { history.replaceState(null, "", "#step=" + step); } catch (err) { /* srcdoc frames */ }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    byId("play").innerHTML = "&#x25B6; play";
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (step >= last) { show(0); }
    byId("play").innerHTML = "&#x275A;&#x275A; pause";
    timer = setInterval(function () {
      if (step >= last) { stop(); } else { show(step + 1); }
    }, 1200);
  }
  function fromHash() {
    var m = /step=(\d+)/.exec(location.hash);
    return m ? parseInt(m[1], 10) : 0;
  }
  byId("reset").onclick = function () { stop(); show(0); };
  byId("back").onclick = function () { stop(); show(step - 1); };
  byId("forward").onclick = function () { stop(); show(step + 1); };
  byId("play").onclick = play;
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowRight") { stop(); show(step + 1); }
    else if (ev.key === "ArrowLeft") { stop(); show(step - 1); }
    else if (ev.key === "Home") { stop(); show(0); }
    else if (ev.key === "End") { stop(); show(last); }
    else if (ev.key === " ") { play(); }
    else { return; }
    ev.preventDefault();
  });
  window.addEventListener("hashchange", function () {
    if (fromHash() !== step) { stop(); show(fromHash()); }
  });
  show(fromHash());
})();
