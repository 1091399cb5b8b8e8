"""Evaluation: CVPPP leaf-segmentation scores, COCO mask AP, and the MMEngine metric built on both.

``cvppp`` needs only numpy and ``mask_ap`` adds pycocotools. ``InstanceSegMetric`` needs mmseg, so
it is imported on first access and the plain functions stay usable without the OpenMMLab stack.
Importing ``discseg.evaluation.metrics`` (or accessing ``InstanceSegMetric``) registers the metric.
"""
from .cvppp import best_dice, dice, difference_in_count, foreground_dice, symmetric_best_dice
from .mask_ap import EncodedInstances, encode_instances, mask_ap, mask_ap_from_encoded

__all__ = [
    'EncodedInstances', 'InstanceSegMetric', 'best_dice', 'dice', 'difference_in_count',
    'encode_instances', 'foreground_dice', 'mask_ap', 'mask_ap_from_encoded', 'symmetric_best_dice'
]


def __getattr__(name: str):
    if name == 'InstanceSegMetric':
        from .metrics import InstanceSegMetric
        return InstanceSegMetric
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
