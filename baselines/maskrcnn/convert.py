"""Mask R-CNN outputs (a binary mask and a score per detection) to what our scoring code takes.

Mask R-CNN's masks overlap, while SBD and DiC score an instance map, where every pixel belongs to
at most one instance. :func:`instance_map_from_masks` flattens confident masks into such a map;
:func:`encode_masks` keeps every mask, overlaps included, for mask AP, which is defined on them.
"""
from __future__ import annotations

import numpy as np
from torch import Tensor

from discseg.evaluation.mask_ap import EncodedInstances
from discseg.instance_maps import encode_rles

__all__ = ['encode_masks', 'instance_map_from_masks']


def _as_masks_and_scores(masks: Tensor | np.ndarray,
                         scores: Tensor | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(masks, Tensor):
        masks = masks.detach().cpu().numpy()
    if isinstance(scores, Tensor):
        scores = scores.detach().float().cpu().numpy()
    masks = np.asarray(masks, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    if masks.ndim != 3 or scores.shape != masks.shape[:1]:
        raise ValueError(f'expected masks [K, H, W] and scores [K], '
                         f'got {masks.shape} and {scores.shape}')
    return masks, scores


def instance_map_from_masks(masks: Tensor | np.ndarray, scores: Tensor | np.ndarray,
                            score_threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Paint the masks scoring at least ``score_threshold`` into one instance map.

    A pixel covered by several masks goes to the highest-scoring one (as if the masks were painted
    in ascending score order; ties go to the mask listed first). Masks left without any pixel are
    dropped, so ids are consecutive.

    Args:
        masks: [K, H, W] boolean masks.
        scores: [K] confidences.
        score_threshold: masks scoring below it are not painted.

    Returns:
        The [H, W] int64 map (0 = background, ids 1..K' by decreasing score) and the [K'] scores,
        ``scores[k - 1]`` belonging to id k, as :func:`discseg.evaluation.encode_instances` reads.
    """
    masks, scores = _as_masks_and_scores(masks, scores)
    kept = np.flatnonzero(scores >= score_threshold)
    if kept.size == 0:
        return np.zeros(masks.shape[1:], dtype=np.int64), scores[:0]
    by_decreasing_score = kept[np.argsort(-scores[kept], kind='stable')]
    ranked_masks = masks[by_decreasing_score]

    # argmax of a boolean stack is its first True: the best-scoring mask covering the pixel.
    rank_map = np.where(ranked_masks.any(axis=0), ranked_masks.argmax(axis=0) + 1, 0)
    # Ranks that own no pixel any more get no id; the others are renumbered 1..K' in order.
    is_visible = np.bincount(rank_map.ravel(), minlength=len(kept) + 1)[1:] > 0
    id_of_rank = np.zeros(len(kept) + 1, dtype=np.int64)
    id_of_rank[1:][is_visible] = np.arange(1, is_visible.sum() + 1)
    return id_of_rank[rank_map], scores[by_decreasing_score[is_visible]]


def encode_masks(masks: Tensor | np.ndarray, scores: Tensor | np.ndarray) -> EncodedInstances:
    """Every mask as one COCO RLE with its score, overlapping or empty, as mask AP counts them."""
    masks, scores = _as_masks_and_scores(masks, scores)
    _, height, width = masks.shape
    return EncodedInstances(height, width, encode_rles(masks), scores)
