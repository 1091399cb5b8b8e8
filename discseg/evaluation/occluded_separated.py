"""Recall of occluded and of separated instances, by mmdetection's CocoOccludedSeparatedMetric.

The metric (Zhan et al. 2022, "A Tri-Layer Plugin to Improve Occluded Detection") counts a tagged
ground-truth instance as found when a prediction scoring at least ``score_thr`` overlaps it with a
mask IoU of at least ``iou_thr``. mmdetection's own code does the counting; this module only feeds
it a method's encoded predictions and the tag lists the sticks generator writes
(``annotations/<split>_{occluded,separated}.json``).
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pycocotools import mask as mask_utils

from .mask_ap import EncodedInstances

__all__ = ['occluded_separated_recall']


def occluded_separated_recall(predictions: Sequence[EncodedInstances], file_names: Sequence[str],
                              annotations: Path, occluded: Path, separated: Path,
                              score_thr: float = 0.3, iou_thr: float = 0.75) -> dict[str, float]:
    """Occluded and separated recall (fractions, NaN where no instance carries the tag) and the
    number of tagged instances, for the images ``file_names`` of the COCO file ``annotations``.

    ``score_thr`` and ``iou_thr`` are mmdetection's defaults.
    """
    from mmdet.evaluation.metrics import CocoOccludedSeparatedMetric
    from mmengine.fileio import load

    tagged = {'occluded': load(str(occluded)), 'separated': load(str(separated))}
    if not any(tagged.values()):
        return {'occluded_recall': float('nan'), 'separated_recall': float('nan'),
                'num_occluded': 0, 'num_separated': 0}
    with contextlib.redirect_stdout(io.StringIO()):
        metric = CocoOccludedSeparatedMetric(ann_file=str(annotations), occluded_ann=str(occluded),
                                             separated_ann=str(separated), score_thr=score_thr,
                                             iou_thr=iou_thr, metric='segm')
    metric.dataset_meta = {'classes': ('stick',)}
    # mmdetection divides by the length of each list: an empty one gets the other as a stand-in,
    # whose result is discarded.
    metric.occluded_ann = tagged['occluded'] or tagged['separated']
    metric.separated_ann = tagged['separated'] or tagged['occluded']
    image_ids = {image['file_name']: image_id for image_id, image in metric._coco_api.imgs.items()}
    missing = sorted(set(image_ids) - set(file_names))
    if missing:
        raise ValueError(f'{annotations} lists images without predictions: {missing[:5]}')
    results = []
    for prediction, file_name in zip(predictions, file_names):
        boxes = mask_utils.toBbox(prediction.rles) if prediction.rles else np.zeros((0, 4))
        results.append((None, {'img_id': image_ids[file_name], 'bboxes': boxes,
                               'scores': prediction.scores, 'masks': prediction.rles,
                               'labels': np.zeros(len(prediction.rles), np.int64)}))
    with contextlib.redirect_stdout(io.StringIO()):
        percent = metric.evaluate_occluded_separated(results)
    output = {}
    for tag, items in tagged.items():
        output[f'{tag}_recall'] = percent[f'{tag}_recall'] / 100 if items else float('nan')
        output[f'num_{tag}'] = len(items)
    return output
