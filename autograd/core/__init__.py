"""The engine: the graph walk and grad modes, ``Value``, ``Tensor``, the op registry with
its formulas, the tensor rules, ``Op``/``Function``, factories and the random generator.

Everything above this floor (transforms, pictures, checking, ``nn``) imports from here;
nothing here imports from above.
"""
