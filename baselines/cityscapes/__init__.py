"""Mask R-CNN (mmdetection) on Cityscapes, fed from the same data root as our method and scored
by the same official evaluation (``discseg.evaluation.cityscapes``).

``coco`` converts the ``*_gtFine_instanceIds.png`` of a split into the COCO JSON mmdetection reads;
``mask-rcnn_r50_fpn_1x_cityscapes.py`` is mmdetection's own recipe with our metric.
"""
from .coco import convert_split, loader_options

__all__ = ['convert_split', 'loader_options']
