"""A dataset config's pipeline at another input size, for configs that derive a size variant.

mmengine resolves a ``_base_`` file's variables before the child is read, so a child that changes
``image_size`` must rebuild the pipelines that used it; this is the one place that knows which
keys of a transform are sizes.
"""
from __future__ import annotations

SIZE_KEYS = ('scale', 'crop_size')  # Resize / RandomResize targets and RandomCrop windows


def at_size(pipeline: list[dict], size: tuple[int, int]) -> list[dict]:
    """``pipeline`` with every transform's size key (``SIZE_KEYS``) set to ``size``."""
    return [dict(step, **{key: size for key in SIZE_KEYS if key in step}) for step in pipeline]
