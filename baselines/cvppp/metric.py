"""Our CVPPP scores for mmdetection's Mask R-CNN, against the plant's own label file."""
from __future__ import annotations

import numpy as np
import torch
from mmdet.registry import METRICS
from torch import Tensor

from discseg.datasets.cvppp import read_fg, read_label

from ..maskrcnn.metric import MaskRCNNInstanceMetric

__all__ = ['CVPPPMaskRCNNMetric']

_MASK_SOURCES = ('prediction', 'ground_truth')


@METRICS.register_module()
class CVPPPMaskRCNNMetric(MaskRCNNInstanceMetric):
    """:class:`MaskRCNNInstanceMetric` on CVPPP plants (PNG or HDF5, via ``seg_map_path``).

    Args:
        mask_source: the foreground Mask R-CNN's leaves may cover, as our segmentor's
            ``test_cfg.mask_source``: ``'prediction'`` keeps its masks as they are;
            ``'ground_truth'`` intersects them with the challenge's foreground mask
            (``fg_path``), the test-time help the paper gives its own method.
        **kwargs: as :class:`MaskRCNNInstanceMetric` (``compute_ap=False`` matches the challenge,
            which reports no AP).
    """

    def __init__(self, mask_source: str = 'prediction', **kwargs) -> None:
        if mask_source not in _MASK_SOURCES:
            raise ValueError(f'mask_source must be one of {_MASK_SOURCES}, got {mask_source!r}')
        super().__init__(**kwargs)
        self.mask_source = mask_source

    def predicted_masks(self, sample: dict) -> Tensor:
        masks = sample['pred_instances']['masks']
        if self.mask_source == 'prediction':
            return masks
        fg = read_fg(sample['fg_path'])
        if fg.shape != tuple(masks.shape[1:]):
            raise ValueError(f'{sample["fg_path"]}: foreground of shape {fg.shape}, but the '
                             f'masks of {sample["img_path"]} are {tuple(masks.shape[1:])}')
        return masks & torch.as_tensor(fg, device=masks.device)

    def read_ground_truth(self, sample: dict) -> np.ndarray:
        if sample.get('seg_map_path') is None:
            raise ValueError(f'{sample["img_path"]} has no label: CVPPP test plants cannot be '
                             'scored (their labels are hidden)')
        return read_label(sample['seg_map_path'])
