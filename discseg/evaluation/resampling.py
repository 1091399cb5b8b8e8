"""Intervals over test images: the percentile bootstrap of per-image scores and of COCO mask AP.

A test set is a sample of images; an interval says how much a score would move on another sample
of the same size. Images are resampled with replacement, the same resamples for every method and
seed, so differences between methods are paired. Mask AP is not a mean over images: each resample
re-accumulates COCOeval's per-image matches (``average_precision`` follows ``COCOeval.accumulate``
for one category, all areas and 100 detections), so it equals pycocotools on any multiset of images.
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pycocotools.cocoeval import COCOeval

from .mask_ap import EncodedInstances, coco_objects

__all__ = ['BOOTSTRAP_RESAMPLES', 'BOOTSTRAP_SEED', 'ImageMatches', 'average_precision',
           'bootstrap_indices', 'image_matches', 'mean_with_interval', 'percentile_interval']

# Every interval in results/ is drawn from this many resamples of this seeded stream.
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0

MAX_DETECTIONS = 100
RECALL_THRESHOLDS = np.linspace(0.0, 1.0, 101)  # COCOeval's recThrs
IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)  # COCOeval's iouThrs


def bootstrap_indices(num_images: int, num_resamples: int = BOOTSTRAP_RESAMPLES,
                      seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """(num_resamples, num_images) image indices drawn with replacement, from a seeded stream."""
    if num_images < 1:
        raise ValueError(f'cannot resample {num_images} images')
    return np.random.default_rng(seed).integers(0, num_images, size=(num_resamples, num_images))


def percentile_interval(samples: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """The central ``confidence`` interval of bootstrap ``samples`` (NaNs, from resamples where a
    statistic is undefined, are left out)."""
    samples = np.asarray(samples, dtype=np.float64)
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return float('nan'), float('nan')
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def mean_with_interval(per_image: np.ndarray,
                       confidence: float = 0.95) -> tuple[float, float, float]:
    """The mean of one value per image (a paired difference between two methods, say) and its
    percentile bootstrap interval over the images: ``(mean, low, high)``."""
    per_image = np.asarray(per_image, dtype=np.float64)
    low, high = percentile_interval(per_image[bootstrap_indices(len(per_image))].mean(axis=1),
                                    confidence)
    return float(per_image.mean()), low, high


@dataclass(frozen=True)
class ImageMatches:
    """One image's detections as COCOeval matched them: scores (D,) in decreasing order, and per
    IoU threshold (T, D) whether each was matched to / ignored by a ground-truth instance."""

    scores: np.ndarray
    matched: np.ndarray
    ignored: np.ndarray
    num_ground_truth: int  # instances that are not ignored


def image_matches(predictions: Sequence[EncodedInstances],
                  ground_truths: Sequence[EncodedInstances]) -> list[ImageMatches]:
    """Run COCOeval's matching once; return each image's matches, in input order."""
    coco_gt, coco_dt = coco_objects(predictions, ground_truths)
    evaluation = COCOeval(coco_gt, coco_dt, iouType='segm')
    evaluation.params.areaRng = [[0, 1e10]]
    evaluation.params.areaRngLbl = ['all']
    evaluation.params.maxDets = [MAX_DETECTIONS]
    with contextlib.redirect_stdout(io.StringIO()):
        evaluation.evaluate()
    thresholds = len(evaluation.params.iouThrs)
    matches = []
    for record in evaluation.evalImgs:  # one category, one area range: one entry per image
        if record is None:  # neither ground truth nor detections
            matches.append(ImageMatches(np.zeros(0), np.zeros((thresholds, 0), bool),
                                        np.zeros((thresholds, 0), bool), 0))
            continue
        matches.append(ImageMatches(
            scores=np.asarray(record['dtScores'], dtype=np.float64)[:MAX_DETECTIONS],
            matched=np.asarray(record['dtMatches'])[:, :MAX_DETECTIONS] > 0,
            ignored=np.asarray(record['dtIgnore'])[:, :MAX_DETECTIONS].astype(bool),
            num_ground_truth=int(np.count_nonzero(np.asarray(record['gtIgnore']) == 0))))
    return matches


def average_precision(matches: Sequence[ImageMatches],
                      indices: np.ndarray | None = None) -> tuple[float, float]:
    """Mask AP@[.50:.95] and AP@.50 of the images ``indices`` (with repeats; default all).

    COCOeval.accumulate, vectorised: detections of all chosen images ranked by score (stable), the
    precision envelope sampled at 101 recall points, 0 beyond the highest recall reached. NaN when
    the chosen images hold no ground-truth instance.
    """
    chosen = [matches[i] for i in (range(len(matches)) if indices is None else indices)]
    num_ground_truth = sum(image.num_ground_truth for image in chosen)
    if num_ground_truth == 0:
        return float('nan'), float('nan')
    scores = np.concatenate([image.scores for image in chosen])
    order = np.argsort(-scores, kind='mergesort')
    matched = np.concatenate([image.matched for image in chosen], axis=1)[:, order]
    ignored = np.concatenate([image.ignored for image in chosen], axis=1)[:, order]
    true_positives = np.cumsum(matched & ~ignored, axis=1, dtype=np.float64)
    false_positives = np.cumsum(~matched & ~ignored, axis=1, dtype=np.float64)
    recall = true_positives / num_ground_truth
    precision = true_positives / (true_positives + false_positives + np.spacing(1))
    envelope = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]
    sampled = np.zeros((len(envelope), len(RECALL_THRESHOLDS)))
    for t in range(len(envelope)):
        positions = np.searchsorted(recall[t], RECALL_THRESHOLDS, side='left')
        reached = positions < recall.shape[1]
        sampled[t, reached] = envelope[t, positions[reached]]
    return float(sampled.mean()), float(sampled[0].mean())
