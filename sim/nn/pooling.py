"""Pooling layers: max / average with a fixed window, and adaptive pooling.

Re-exported by :mod:`sim.nn.layers`.  None has parameters or MACs; their work is
"other ops", counted per output element:

* max pool: ``kh*kw - 1`` comparisons per output element;
* average pool: ``kh*kw`` ops per output element (``kh*kw - 1`` adds + 1 divide);
* adaptive pools: the window of output cell ``i`` along an axis of input size
  ``n`` and output size ``m`` spans ``[floor(i*n/m), ceil((i+1)*n/m))`` (as in
  PyTorch); max costs ``window - 1`` comparisons and average ``window`` ops per
  output element, summed exactly over all cells.

Window positions follow PyTorch, padded positions included in the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Layer, Pair


def _adaptive_windows(n: int, m: int) -> list[int]:
    """Window lengths of an adaptive pool of input size ``n`` to output ``m``."""
    return [-(-((i + 1) * n) // m) - (i * n) // m for i in range(m)]


@dataclass(frozen=True, kw_only=True)
class _Pool2d(Layer):
    kernel: int | Pair
    stride: int | Pair | None = None
    padding: int | Pair = 0
    ceil_mode: bool = False

    def __post_init__(self) -> None:
        self._pair("kernel", 1)
        if self.stride is None:
            object.__setattr__(self, "stride", self.kernel)
        self._pair("stride", 1)
        self._pair("padding", 0)
        kh, kw = self.kernel  # type: ignore[misc]
        ph, pw = self.padding  # type: ignore[misc]
        if 2 * ph > kh or 2 * pw > kw:
            raise self.error(f"padding {self.padding} must be at most half of kernel {self.kernel}")

    def _dilation(self) -> Pair:
        return (1, 1)

    def _pool(self, shapes) -> tuple[tuple[int, int, int], int]:
        c, h, w = self._image(shapes[0])
        (kh, kw), (sh, sw) = self.kernel, self.stride  # type: ignore[misc]
        (ph, pw), (dh, dw) = self.padding, self._dilation()  # type: ignore[misc]
        ho = self._window(h, kh, sh, ph, dh, self.ceil_mode, "height")
        wo = self._window(w, kw, sw, pw, dw, self.ceil_mode, "width")
        return (c, ho, wo), kh * kw


@dataclass(frozen=True, kw_only=True)
class MaxPool2d(_Pool2d):
    """Max pooling, as ``torch.nn.MaxPool2d`` (``stride`` defaults to ``kernel``).

    Other ops: ``(kh*kw - 1) * C * H' * W'`` comparisons.
    """

    KIND: ClassVar[str] = "maxpool2d"
    dilation: int | Pair = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        self._pair("dilation", 1)

    def _dilation(self) -> Pair:
        return self.dilation  # type: ignore[return-value]

    def _compute(self, shapes):
        out, window = self._pool(shapes)
        return out, 0, (window - 1) * out[0] * out[1] * out[2]


@dataclass(frozen=True, kw_only=True)
class AvgPool2d(_Pool2d):
    """Average pooling, as ``torch.nn.AvgPool2d`` (``stride`` defaults to ``kernel``).

    Other ops: ``kh*kw * C * H' * W'`` (``kh*kw - 1`` adds and one divide each).
    """

    KIND: ClassVar[str] = "avgpool2d"

    def _compute(self, shapes):
        out, window = self._pool(shapes)
        return out, 0, window * out[0] * out[1] * out[2]


MAX_ADAPTIVE_SIDE = 65_536     # output cells are counted one window per row and column


@dataclass(frozen=True, kw_only=True)
class _AdaptivePool2d(Layer):
    output_size: int | Pair

    def __post_init__(self) -> None:
        self._pair("output_size", 1)
        if max(self.output_size) > MAX_ADAPTIVE_SIDE:  # type: ignore[arg-type]
            raise self.error(f"output_size must be at most {MAX_ADAPTIVE_SIDE} per side, "
                             f"got {self.output_size}")

    def _cells(self, shapes) -> tuple[tuple[int, int, int], int, int]:
        """Output shape, the sum of the window sizes and the number of windows."""
        c, h, w = self._image(shapes[0])
        if h <= 0 or w <= 0:
            raise self.error(f"input size {h}x{w} <= 0")
        oh, ow = self.output_size  # type: ignore[misc]
        total = sum(_adaptive_windows(h, oh)) * sum(_adaptive_windows(w, ow))
        return (c, oh, ow), total, oh * ow


@dataclass(frozen=True, kw_only=True)
class AdaptiveAvgPool2d(_AdaptivePool2d):
    """Adaptive average pooling to ``output_size``, as ``torch.nn.AdaptiveAvgPool2d``.

    Other ops: ``C * sum(window sizes)`` (one op per input in each window:
    ``window - 1`` adds + one divide).  With an output larger than the input the
    windows overlap (values are replicated).
    """

    KIND: ClassVar[str] = "adaptive_avgpool2d"

    def _compute(self, shapes):
        out, total, _ = self._cells(shapes)
        return out, 0, out[0] * total


@dataclass(frozen=True, kw_only=True)
class AdaptiveMaxPool2d(_AdaptivePool2d):
    """Adaptive max pooling to ``output_size``, as ``torch.nn.AdaptiveMaxPool2d``.

    Other ops: ``C * sum(window size - 1)`` comparisons.
    """

    KIND: ClassVar[str] = "adaptive_maxpool2d"

    def _compute(self, shapes):
        out, total, cells = self._cells(shapes)
        return out, 0, out[0] * (total - cells)
