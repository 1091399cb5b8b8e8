"""Mask R-CNN (mmdetection) baseline on scattered sticks, and the parts other datasets share.

Importing this package registers ``MaskRCNNInstanceMetric`` (our scores on its masks) and
``InstanceMapToDetTargets`` (its training targets from our instance maps) in mmdetection's
registries and, through ``discseg.checkpoint``, lets torch >= 2.6 load the runs' mmengine
checkpoints; the config loads it with
``custom_imports = dict(imports=['baselines.maskrcnn'], allow_failed_imports=False)``.
"""
import discseg.checkpoint  # noqa: F401

from .convert import encode_masks
from .metric import MaskRCNNInstanceMetric
from .targets import InstanceMapToDetTargets

__all__ = ['InstanceMapToDetTargets', 'MaskRCNNInstanceMetric', 'encode_masks']
