"""From a network's outputs to instances: clustering per semantic class, and instance scores.

Pure tensor functions; they run on the tensors' device.
"""
from __future__ import annotations

import torch
from torch import Tensor

from .clustering import center_threshold, cluster

_SCORES = ('class_probability', 'constant')


def segment_instances(embeddings: Tensor,
                      semantic: Tensor,
                      probabilities: Tensor,
                      bandwidth: float = 1.5,
                      ground_truth_ids: Tensor | None = None,
                      score: str = 'class_probability',
                      leftovers: str = 'unlabelled',
                      **cluster_kwargs) -> tuple[Tensor, Tensor, Tensor]:
    """Cluster the embeddings separately inside each non-background class of ``semantic``.

    Instances of different classes are never merged, as the loss never pushed them apart.

    Args:
        embeddings: [D, H, W].
        semantic: long [H, W], class per pixel; 0 is background.
        probabilities: [C, H, W] class probabilities, used for the ``'class_probability'`` score.
        bandwidth: clustering radius (see ``discseg.clustering.cluster``).
        ground_truth_ids: [H, W] ground-truth instance ids; when given, each class is segmented by
            thresholding around the ground-truth centres of the instances inside it
            (``center_threshold``, the paper's Table 3 ablation) instead of mean-shift.
        score: ``'class_probability'``: mean probability of the instance's class over its pixels;
            ``'constant'``: 1.0.
        leftovers: what becomes of a class's pixels near no centre: ``'unlabelled'`` (the paper)
            or ``'nearest_centre'`` (every pixel of the class's mask joins an instance; for given
            masks), with either clustering (see ``discseg.clustering``).
        **cluster_kwargs: passed to ``cluster``.

    Returns:
        instance_map: long [H, W], 0 = background, instances 1..K numbered class by class.
        labels: long [K], the class of instance k at index k - 1.
        scores: float [K].
    """
    if score not in _SCORES:
        raise ValueError(f'score must be one of {_SCORES}, got {score!r}')
    instance_map = torch.zeros_like(semantic, dtype=torch.long)
    labels = []
    for class_index in semantic.unique().tolist():
        if class_index == 0:
            continue
        mask = semantic == class_index
        if ground_truth_ids is None:
            class_instances = cluster(embeddings, mask, bandwidth, leftovers=leftovers,
                                      **cluster_kwargs)
        else:
            class_instances = center_threshold(embeddings, ground_truth_ids * mask, bandwidth,
                                               mask=mask, leftovers=leftovers)
        num_found = int(class_instances.max())
        offset = len(labels)
        instance_map = torch.where(class_instances > 0, class_instances + offset, instance_map)
        labels.extend([class_index] * num_found)
    labels = torch.tensor(labels, dtype=torch.long, device=semantic.device)
    if score == 'constant':
        return instance_map, labels, torch.ones(len(labels), device=semantic.device)
    return instance_map, labels, mean_class_probability(instance_map, labels, probabilities)


def mean_class_probability(instance_map: Tensor, labels: Tensor, probabilities: Tensor) -> Tensor:
    """For each instance k, the mean over its pixels of the probability of its class ``labels[k-1]``."""
    num_instances = labels.numel()
    if num_instances == 0:
        return probabilities.new_zeros(0)
    rows, cols = (instance_map > 0).nonzero(as_tuple=True)
    ids = instance_map[rows, cols] - 1
    pixel_probability = probabilities[labels[ids], rows, cols]
    sums = probabilities.new_zeros(num_instances).index_add_(0, ids, pixel_probability)
    counts = torch.bincount(ids, minlength=num_instances).clamp_min(1)
    return sums / counts
