"""backproplab: the namespace of ``backproplab.torch``, PyTorch's names on this engine."""
