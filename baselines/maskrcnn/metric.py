"""Our instance metric for mmdetection's Mask R-CNN: the same per-image scoring as our method's."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from mmdet.registry import METRICS
from torch import Tensor

from discseg.datasets.label_maps import read_label_png
from discseg.evaluation.metrics import InstanceSegMetric, score_image
from discseg.instance_maps import instance_map_from_masks

from .convert import encode_masks

__all__ = ['MaskRCNNInstanceMetric', 'gt_instance_map_path', 'read_gt_instance_map']


def gt_instance_map_path(img_path: str | Path) -> Path:
    """``<root>/images/<split>/<name>`` -> ``<root>/instances/<split>/<name>`` (sticks layout)."""
    img_path = Path(img_path)
    images_dir = img_path.parent.parent
    if images_dir.name != 'images':
        raise ValueError(f'{img_path} is not in an images/<split>/ folder, so its instance map '
                         'cannot be located')
    return images_dir.parent / 'instances' / img_path.parent.name / img_path.name


def read_gt_instance_map(img_path: str | Path) -> np.ndarray:
    """The 16-bit ground-truth instance map of the image at ``img_path``, read unchanged."""
    return read_label_png(gt_instance_map_path(img_path))


@METRICS.register_module()
class MaskRCNNInstanceMetric(InstanceSegMetric):
    """:class:`~discseg.evaluation.metrics.InstanceSegMetric` on mmdetection's instance masks.

    Reads ``pred_instances.masks`` ([K, H, W] bool, at the original image size) and
    ``pred_instances.scores`` of each ``DetDataSample``, and the ground truth from the instance PNG
    next to the image (``instances/<split>/`` beside ``images/<split>/``), not from mmdetection's
    annotations, so both methods are scored against the same maps by the same code.

    SBD, DiC and foreground Dice need one label per pixel: they score the instance map painted
    from the masks scoring at least ``score_threshold`` (:func:`instance_map_from_masks`). Mask AP
    ranks detections by score itself, so it takes every mask mmdetection returns.

    Args:
        score_threshold: minimum score of a mask painted into the instance map. 0.5 is where
            Mask R-CNN's classifier finds an object more likely than background.
        **kwargs: as :class:`~discseg.evaluation.metrics.InstanceSegMetric`.
    """

    def __init__(self, score_threshold: float = 0.5, **kwargs) -> None:
        super().__init__(**kwargs)
        self.score_threshold = score_threshold

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Score each image of the batch and keep what dataset-level AP needs."""
        for sample in data_samples:
            masks = self.predicted_masks(sample)
            scores = sample['pred_instances']['scores']
            pred, _ = instance_map_from_masks(masks, scores, self.score_threshold)
            prediction = encode_masks(masks, scores) if self.compute_ap else None
            gt = self.read_ground_truth(sample)
            self.results.append(score_image(sample['img_path'], pred, gt, prediction))

    def predicted_masks(self, sample: dict) -> Tensor:
        """The [K, H, W] masks scored for ``sample``; here mmdetection's, unchanged."""
        return sample['pred_instances']['masks']

    def read_ground_truth(self, sample: dict) -> np.ndarray:
        """The (H, W) ground-truth instance map of ``sample``; here the sticks layout's PNG."""
        return read_gt_instance_map(sample['img_path'])
