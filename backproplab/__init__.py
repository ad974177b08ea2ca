"""backproplab: the distribution's namespace package for ``backproplab.torch``, PyTorch's names on this engine."""
