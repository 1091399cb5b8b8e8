"""Painting order: later shapes cover earlier ones; shapes left too hidden are removed.

Shared by the generators (sticks, leaf rosettes): both paint boolean footprints in order.
"""
from __future__ import annotations

import numpy as np


def topmost(inside: np.ndarray) -> np.ndarray:
    """Index of the last-painted shape covering each pixel; -1 where none does."""
    if len(inside) == 0:
        return np.full(inside.shape[1:], -1, dtype=np.int64)
    top = len(inside) - 1 - inside[::-1].argmax(axis=0)
    return np.where(inside.any(axis=0), top, -1)


def select_visible(inside: np.ndarray, min_visible_area: int) -> np.ndarray:
    """Indices, in painting order, of the shapes left once the too-hidden ones are removed.

    Removes the least visible shape, one at a time, while it shows fewer than
    ``min_visible_area`` pixels: a removal can only uncover the shapes beneath it.
    """
    keep = np.arange(len(inside))
    while keep.size:
        top = topmost(inside[keep])
        visible_area = np.bincount(top[top >= 0], minlength=keep.size)
        least = int(visible_area.argmin())
        if visible_area[least] >= min_visible_area:
            break
        keep = np.delete(keep, least)
    return keep
