"""Names PyTorch has and this package does not: a clear error, never a silent fallback."""

from __future__ import annotations

from typing import NoReturn


def missing(module: str, name: str) -> NoReturn:
    """Raise the AttributeError for ``module.name`` (an ImportError too, for ``from`` imports)."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    raise AttributeError(
        f"{module}.{name} is not supported here: backproplab.torch covers "
        "the names its README lists (PyTorch's name, on the backproplab engine)"
    )


# Names of PyTorch's Tensor methods and properties: those the facade's Tensor lacks say
# so when read (a property that raises AttributeError: ``hasattr`` stays False). Class
# attributes, not a ``__getattr__``, which would slow every attribute read of a tensor.
TENSOR_NAMES = """
abs_ absolute acos acosh addbmm addcdiv addcdiv_ addcmul addcmul_ addmm addmv addr amax
amin angle apply_ arccos arcsin arctan argmin argsort argwhere as_strided asin atan atan2
baddbmm bernoulli bernoulli_ bfloat16 bincount bitwise_and bitwise_not bitwise_or
bitwise_xor bmm broadcast_to byte cauchy_ ceil ceil_ char cholesky clamp_max clamp_min
clip clip_ conj copysign cos cosh count_nonzero cov cross cummax cummin cumprod cumsum
data_ptr deg2rad det detach_ diag diag_embed diagflat diagonal diff digamma dist divide
dot dsplit eq_ erf erfc erfinv exp2 exp_ expand_as expm1 exponential_ fill_diagonal_ fix
flip fliplr flipud float_power floor floor_ floor_divide fmax fmin fmod frac gather gcd
ge_ geometric_ ger get_device gt_ heaviside histc hsplit hypot index_add index_add_
index_copy index_copy_ index_fill index_fill_ index_put index_put_ index_reduce
index_select inner inverse is_complex is_pinned is_shared is_signed isclose isinf
isneginf isposinf isreal kron kthvalue lcm ldexp le_ lerp lerp_ lgamma log1p log2
log_normal_ logaddexp logcumsumexp logdet logical_and logical_not logical_or logical_xor
logit logsumexp lt_ masked_scatter masked_scatter_ masked_select matrix_exp matrix_power
median mode moveaxis movedim msort mv nan_to_num nanmean nanmedian nanquantile nansum
narrow narrow_copy ne_ negative nextafter nonzero norm outer pin_memory pinverse
polygamma positive pow_ prod put put_ qr quantile rad2deg random_ ravel reciprocal_
register_hook relu_ remainder renorm repeat_interleave resize_ resize_as_ rot90 rsqrt
scatter scatter_ scatter_add scatter_add_ scatter_reduce select select_scatter sgn
share_memory_ sigmoid_ sign sign_ signbit sin sinc sinh slice_scatter slogdet sort
split_with_sizes sqrt_ square square_ squeeze_ storage stride subtract sum_to_size svd
swapaxes swapdims t t_ take take_along_dim tan tanh_ tensor_split tile to_dense
to_sparse topk trace transpose_ true_divide trunc trunc_ type_as unflatten unfold unique
unique_consecutive unsqueeze_ vdot vsplit xlogy mT mH H real imag layout is_sparse
is_quantized is_meta nbytes itemsize
""".split()  # noqa: SIM905 - words, as PyTorch's docs list them


def missing_method(name: str) -> property:
    """A property that raises the AttributeError for ``Tensor.<name>``."""

    def read(_self: object) -> NoReturn:
        raise AttributeError(
            f"Tensor.{name} is not supported here: backproplab.torch covers "
            "the names its README lists (PyTorch's name, on the backproplab engine)"
        )

    return property(read)
