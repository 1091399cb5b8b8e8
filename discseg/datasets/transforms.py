"""Loading and packing of instance ground truth, 16-bit safe.

mmseg's ``LoadAnnotations`` casts label maps to uint8, which silently corrupts Cityscapes ids such
as 26001. ``LoadInstanceAnnotations`` keeps the ids and registers both maps in ``seg_fields``, so
mmseg's ``RandomFlip``, ``Resize``, ``RandomCrop`` and ``RandomRotate`` keep them aligned with the
image (use ``seg_pad_val=0`` for rotations: the padded corners are background).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs
from mmseg.registry import TRANSFORMS

from ..targets import instance_targets
from .label_maps import check_same_size, read_label_png


@TRANSFORMS.register_module()
class LoadInstanceAnnotations(BaseTransform):
    """Load ``results['seg_map_path']`` as an instance-id map; add instance and semantic targets.

    Adds ``gt_instance_map`` (uint16) and ``gt_seg_map`` (uint8), see ``discseg.targets``. The map
    is read by ``label_maps.read_label_png`` and must have the size of the image loaded before it.

    Args:
        label_divisor: ``None`` for class-agnostic data, 1000 for Cityscapes-style ids.
        thing_label_ids: label ids that carry instances (with ``label_divisor``).
        require_16bit: reject 8-bit maps (Cityscapes ids need 16 bits).
    """

    def __init__(self,
                 label_divisor: int | None = None,
                 thing_label_ids: Sequence[int] | None = None,
                 require_16bit: bool = False) -> None:
        self.label_divisor = label_divisor
        self.thing_label_ids = list(thing_label_ids) if thing_label_ids else None
        self.require_16bit = require_16bit

    def transform(self, results: dict) -> dict:
        ids = read_label_png(results['seg_map_path'], require_16bit=self.require_16bit)
        check_same_size(ids.shape, results, results['seg_map_path'])
        results['gt_instance_map'], results['gt_seg_map'] = instance_targets(
            ids, self.label_divisor, self.thing_label_ids)
        fields = results.setdefault('seg_fields', [])
        fields.extend(key for key in ('gt_seg_map', 'gt_instance_map') if key not in fields)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(label_divisor={self.label_divisor}, '
                f'thing_label_ids={self.thing_label_ids}, require_16bit={self.require_16bit})')


@TRANSFORMS.register_module()
class PackInstanceInputs(PackSegInputs):
    """``PackSegInputs`` that also packs ``gt_instance_map`` as a long ``PixelData`` [1, H, W]."""

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        if 'gt_instance_map' in results:
            instance_map = torch.from_numpy(results['gt_instance_map'].astype(np.int64)[None])
            packed['data_samples'].gt_instance_map = PixelData(data=instance_map)
        return packed
