"""mmseg's data preprocessor, extended to pad the instance map along with the image."""
from __future__ import annotations

import torch.nn.functional as F
from mmseg.models.data_preprocessor import SegDataPreProcessor
from mmseg.registry import MODELS


@MODELS.register_module()
class InstanceSegDataPreProcessor(SegDataPreProcessor):
    """``SegDataPreProcessor`` that also pads ``gt_instance_map`` to the batch's input size.

    mmseg's ``stack_batch`` pads images and ``gt_sem_seg`` at the bottom and right; the instance map
    is padded the same way with 0 (background), so padded pixels never enter the embedding loss.
    This only happens in training: at test time the ground truth keeps its original size.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        data = super().forward(data, training)
        if not training:  # at test time the ground truth stays at the original resolution
            return data
        height, width = data['inputs'].shape[-2:]
        for sample in data['data_samples'] or []:
            if 'gt_instance_map' not in sample:
                continue
            instance_map = sample.gt_instance_map.data
            pad = (0, width - instance_map.shape[-1], 0, height - instance_map.shape[-2])
            if any(pad):
                del sample.gt_instance_map.data
                sample.gt_instance_map.data = F.pad(instance_map, pad, value=0)
        return data
