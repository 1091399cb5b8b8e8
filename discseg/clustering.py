"""Test-time clustering of pixel embeddings into instances (paper Sec. 3.2).

The discriminative loss pulls every embedding to within ``delta_v`` of its instance centre and
pushes centres at least ``2 * delta_d`` apart, so instances can be recovered by thresholding
distances: ``cluster`` finds the centres with a flat-kernel mean-shift, ``center_threshold`` uses
the ground-truth centres instead (the paper's Table 3 ablation).

Both compute in (at least) float32 on embeddings centred on the mask's mean: distances are expanded
as ``||x||^2 - 2 x.c + ||c||^2``, whose large terms cancel and lose every digit far from the origin.

``leftovers`` says what becomes of a mask pixel within ``bandwidth`` of no centre: the paper leaves
it unlabelled (``'unlabelled'``); ``'nearest_centre'`` gives it to the nearest centre, for masks
whose every pixel belongs to some instance (a given foreground), as scikit-learn's
``MeanShift(cluster_all=True)``.
"""
from __future__ import annotations

import torch
from torch import Tensor

__all__ = ['LEFTOVERS', 'cluster', 'center_threshold']

LEFTOVERS = ('unlabelled', 'nearest_centre')


def cluster(embeddings: Tensor, mask: Tensor, bandwidth: float = 1.5, *, max_iter: int = 100,
            tol: float = 1e-4, min_size: int = 10, num_samples: int = 4096, num_seeds: int = 64,
            seed: int = 0, leftovers: str = 'unlabelled') -> Tensor:
    """Group the embeddings inside ``mask`` into instances with the paper's mean-shift procedure.

    The paper picks an unlabeled pixel, replaces its embedding by the mean of the pixels within
    ``bandwidth`` until that mean converges, labels the pixels within ``bandwidth`` of the converged
    mean as one instance and repeats on the rest. Here each round does this for up to ``num_seeds``
    unlabeled pixels at once, shifting them over a fixed random sample of ``num_samples`` mask
    pixels (every pixel when the mask is smaller; seeds outside the sample join it, so that an
    instance too small to be sampled still has a mode). Modes within ``bandwidth`` of an earlier
    centre reached an instance already found and are dropped; each unlabeled pixel then takes the
    first remaining mode, in seed order, within ``bandwidth``, which is the paper's "label, then
    repeat on the rest". Rounds end when one labels fewer than ``min_size`` pixels. Instances of
    fewer than ``min_size`` pixels are then dropped; with ``leftovers='nearest_centre'`` every
    pixel still unlabelled (their pixels included) takes the nearest remaining centre, so dropped
    instances never become centres and no pixel the rounds kept changes.

    Default bandwidth: at zero loss every embedding lies within ``delta_v`` of its centre and
    centres lie at least ``2 * delta_d`` apart. A threshold around any member then recovers exactly
    its instance for ``2 * delta_v <= b < 2 * delta_d - 2 * delta_v``, i.e. ``[1.0, 2.0)`` for the
    paper's ``delta_v = 0.5, delta_d = 1.5``, and one around the converged centre for
    ``delta_v <= b < 2 * delta_d - delta_v``. ``b = 1.5 = delta_d``, the middle of the member
    interval, satisfies both and is what the authors used.

    Args:
        embeddings: ``[D, H, W]`` floating-point embeddings; only those inside ``mask`` are read.
        mask: ``[H, W]`` bool foreground; only these pixels are clustered.
        bandwidth: Flat-kernel radius of both the shift window and the final threshold.
        max_iter: Most mean-shift iterations per round.
        tol: A round has converged once no mode moves more than ``tol``.
        min_size: Instances with fewer pixels are dropped to 0.
        num_samples: Most mask pixels the modes are shifted over.
        num_seeds: Most modes shifted at once per round.
        seed: Seed of the sampling, which makes the result deterministic.
        leftovers: ``'unlabelled'`` (the paper) or ``'nearest_centre'``; see the module docstring.

    Returns:
        ``[H, W]`` int64 instance ids: 0 outside the mask and for pixels of no instance, else
        ``1..K`` in discovery order.
    """
    _check_inputs(embeddings, mask, bandwidth, leftovers)
    for name, value in (('max_iter', max_iter), ('min_size', min_size),
                        ('num_samples', num_samples), ('num_seeds', num_seeds)):
        if value < 1:
            raise ValueError(f'{name} must be >= 1, got {value}')

    pixel_index, points = _masked_points(embeddings, mask)
    points = points - points.mean(0)
    points_norm2 = points.square().sum(1)
    radius2 = bandwidth ** 2
    generator = torch.Generator().manual_seed(seed)
    in_sample = torch.zeros(len(points), dtype=torch.bool, device=points.device)
    in_sample[_random_indices(len(points), num_samples, generator, points.device)] = True
    samples = points[in_sample]
    centres = points.new_empty((0, points.shape[1]))
    labels = torch.zeros(len(points), dtype=torch.long, device=points.device)
    while True:
        unlabeled = labels == 0
        unlabeled_index = unlabeled.nonzero().squeeze(1)
        if len(unlabeled_index) < min_size:
            break
        seed_index = unlabeled_index[_random_indices(len(unlabeled_index), num_seeds, generator,
                                                     points.device)]
        unsampled_seeds = points[seed_index[~in_sample[seed_index]]]
        modes = _shift_to_modes(points[seed_index], torch.cat([samples, unsampled_seeds]),
                                radius2, max_iter, tol)
        modes = _new_modes(modes, centres, radius2)
        if len(modes) == 0:
            break
        covered, first_cover = _within_radius(points, points_norm2, modes, radius2).max(1)
        newly_labeled = covered & unlabeled
        labels = torch.where(newly_labeled, first_cover + len(centres) + 1, labels)
        centres = torch.cat([centres, modes])
        if int(newly_labeled.sum()) < min_size:
            break

    kept = torch.bincount(labels, minlength=len(centres) + 1)[1:] >= min_size
    labels = _drop_small(labels, kept)
    if leftovers == 'nearest_centre':
        labels = _give_to_nearest(labels, points, centres[kept])
    ids = torch.zeros(mask.numel(), dtype=torch.long, device=mask.device)
    ids[pixel_index] = labels
    return ids.view(mask.shape)


def center_threshold(embeddings: Tensor, instance_ids: Tensor, bandwidth: float = 1.5,
                     mask: Tensor | None = None, leftovers: str = 'unlabelled') -> Tensor:
    """Give each pixel the nearest ground-truth instance centre within ``bandwidth`` (Table 3).

    Replacing the mean-shift by the true centres isolates the clustering's share of the error.

    Args:
        embeddings: ``[D, H, W]`` floating-point embeddings.
        instance_ids: ``[H, W]`` integer ground truth; ids > 0 are instances, not necessarily
            consecutive. Centres are the mean embeddings of these instances.
        bandwidth: Pixels farther than this from every centre stay 0.
        mask: ``[H, W]`` bool pixels to label; defaults to the ground-truth foreground.
        leftovers: ``'unlabelled'`` (the paper) or ``'nearest_centre'``: every mask pixel takes the
            nearest centre, however far.

    Returns:
        ``[H, W]`` int64 ids ``1..K``, one per ground-truth instance in increasing-id order, 0
        outside ``mask`` and for pixels near no centre.
    """
    if not isinstance(instance_ids, Tensor) or instance_ids.dtype.is_floating_point \
            or instance_ids.dtype.is_complex or instance_ids.dtype == torch.bool:
        raise TypeError('instance_ids must be an integer tensor')
    if mask is None:
        mask = instance_ids > 0
    _check_inputs(embeddings, mask, bandwidth, leftovers)
    if instance_ids.shape != mask.shape or instance_ids.device != mask.device:
        raise ValueError(f'instance_ids {tuple(instance_ids.shape)} ({instance_ids.device}) and '
                         f'mask {tuple(mask.shape)} ({mask.device}) must have the same shape and '
                         'device')

    ids = torch.zeros(mask.numel(), dtype=torch.long, device=mask.device)
    foreground = instance_ids > 0
    gt_ids, members = torch.unique(instance_ids[foreground], return_inverse=True)
    if len(gt_ids) == 0:
        return ids.view(mask.shape)
    _, member_points = _masked_points(embeddings, foreground)
    origin = member_points.mean(0)  # one origin for the centres and the points they label
    member_points = member_points - origin
    sums = member_points.new_zeros((len(gt_ids), member_points.shape[1]))
    sums.index_add_(0, members, member_points)
    centres = sums / torch.bincount(members, minlength=len(gt_ids)).unsqueeze(1)

    pixel_index, points = _masked_points(embeddings, mask)
    points = points - origin
    score, nearest = _nearest_score(points, centres)
    within = score > (points.square().sum(1) - bandwidth ** 2) / 2
    if leftovers == 'nearest_centre':
        within = torch.ones_like(within)
    ids[pixel_index] = torch.where(within, nearest + 1, 0)
    return ids.view(mask.shape)


def _check_inputs(embeddings: Tensor, mask: Tensor, bandwidth: float, leftovers: str) -> None:
    if not isinstance(embeddings, Tensor) or not embeddings.dtype.is_floating_point:
        raise TypeError('embeddings must be a floating-point tensor')
    if not isinstance(mask, Tensor) or mask.dtype != torch.bool:
        raise TypeError(f'mask must be a bool tensor, got {getattr(mask, "dtype", type(mask))}')
    if embeddings.dim() != 3 or embeddings.shape[1:] != mask.shape:
        raise ValueError(f'embeddings must be [D, H, W] and mask [H, W], got '
                         f'{tuple(embeddings.shape)} and {tuple(mask.shape)}')
    if embeddings.device != mask.device:
        raise ValueError(f'embeddings ({embeddings.device}) and mask ({mask.device}) must be on '
                         'the same device')
    if not bandwidth > 0:
        raise ValueError(f'bandwidth must be > 0, got {bandwidth}')
    if leftovers not in LEFTOVERS:
        raise ValueError(f'leftovers must be one of {LEFTOVERS}, got {leftovers!r}')


def _masked_points(embeddings: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
    """Flat pixel indices and ``[N, D]`` embeddings of the ``mask`` pixels, at least float32.

    Only these embeddings are used, so only they must be finite.
    """
    pixel_index = mask.flatten().nonzero().squeeze(1)
    dtype = torch.promote_types(embeddings.dtype, torch.float32)
    points = embeddings.flatten(1).T[pixel_index].to(dtype)  # row gather: fast for any layout
    if not torch.isfinite(points).all():
        raise ValueError('embeddings inside the mask must be finite')
    return pixel_index, points


def _random_indices(n: int, k: int, generator: torch.Generator, device: torch.device) -> Tensor:
    """At most ``k`` distinct indices of ``range(n)``, drawn on the CPU: the same on any device."""
    return torch.randperm(n, generator=generator)[:k].to(device)


def _nearest_score(points: Tensor, centres: Tensor) -> tuple[Tensor, Tensor]:
    """Per point, ``max_c x.c - ||c||^2 / 2`` and its ``c``: the nearest centre, by one matmul.

    ``argmin ||x - c||^2 = argmax x.c - ||c||^2 / 2``; the radius test compares the same score.
    """
    return torch.addmm(centres.square().sum(1), points, centres.T, beta=-0.5).max(1)


def _within_radius(points: Tensor, points_norm2: Tensor, centres: Tensor, radius2: float) -> Tensor:
    """``[N, K]`` bool ``||x - c||^2 < r^2``.

    Computed as ``x.c - ||c||^2 / 2 > (||x||^2 - r^2) / 2``: one matmul and one comparison over the
    large matrix.
    """
    scores = torch.addmm(centres.square().sum(1), points, centres.T, beta=-0.5)
    return scores > ((points_norm2 - radius2) / 2).unsqueeze(1)


def _shift_to_modes(seeds: Tensor, points: Tensor, radius2: float, max_iter: int,
                    tol: float) -> Tensor:
    """Flat-kernel mean-shift of all ``seeds`` at once: move each to the mean of its window.

    A window is never empty: the mean of points inside a ball has one of them within the radius.
    """
    modes = seeds
    for _ in range(max_iter):
        window = _within_radius(modes, modes.square().sum(1), points, radius2).to(points.dtype)
        shifted = (window @ points) / window.sum(1, keepdim=True)
        converged = (shifted - modes).norm(dim=1).max() <= tol
        modes = shifted
        if converged:
            break
    return modes


def _new_modes(modes: Tensor, centres: Tensor, radius2: float) -> Tensor:
    """The modes, in order, not within the radius of a known centre or of an earlier kept mode."""
    modes_norm2 = modes.square().sum(1)
    near_centre = _within_radius(modes, modes_norm2, centres, radius2).any(1).tolist()
    near_mode = _within_radius(modes, modes_norm2, modes, radius2).tolist()
    kept: list[int] = []
    for index in range(len(modes)):
        if not near_centre[index] and not any(near_mode[index][k] for k in kept):
            kept.append(index)
    return modes[kept]


def _drop_small(labels: Tensor, kept: Tensor) -> Tensor:
    """Set the labels ``k`` with ``kept[k - 1]`` false to 0 and renumber the rest 1..K in order."""
    keep = torch.cat([kept.new_zeros(1), kept])
    return (keep.cumsum(0) * keep)[labels]


def _give_to_nearest(labels: Tensor, points: Tensor, centres: Tensor) -> Tensor:
    """Unlabelled points (0) take the id ``k`` of the nearest ``centres[k - 1]``; others keep theirs."""
    if len(centres) == 0:
        return labels
    _, nearest = _nearest_score(points, centres)
    return torch.where(labels == 0, nearest + 1, labels)
