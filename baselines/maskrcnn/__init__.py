"""Mask R-CNN (mmdetection) baseline on scattered sticks.

Importing this package registers ``MaskRCNNInstanceMetric`` in mmdetection's registry and, through
``discseg.checkpoint``, lets torch >= 2.6 load the runs' mmengine checkpoints; the config loads it
with ``custom_imports = dict(imports=['baselines.maskrcnn'], allow_failed_imports=False)``.
"""
import discseg.checkpoint  # noqa: F401

from .convert import encode_masks, instance_map_from_masks
from .metric import MaskRCNNInstanceMetric

__all__ = ['MaskRCNNInstanceMetric', 'encode_masks', 'instance_map_from_masks']
