"""Mask R-CNN (mmdetection) on CVPPP A1: the same plants, split, augmentation and scores as ours.

Importing this package registers ``CVPPPMaskRCNNMetric`` and, through ``baselines.maskrcnn``,
``InstanceMapToDetTargets``; the configs load it with ``custom_imports``. The data are read by
``discseg.datasets.cvppp`` (either official layout), so the baseline needs no conversion step.
"""
import baselines.maskrcnn  # noqa: F401  (InstanceMapToDetTargets, checkpoint loading)

from .metric import CVPPPMaskRCNNMetric

__all__ = ['CVPPPMaskRCNNMetric']
