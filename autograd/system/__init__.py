"""What touches the process around the engine: atomic file writes and the check for
another distribution owning the ``autograd`` import name."""
