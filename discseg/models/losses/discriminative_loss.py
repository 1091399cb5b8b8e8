"""The discriminative loss (De Brabandere et al. 2017, Eq. 1-4), vectorised over the whole batch.

Every pixel of a ground-truth instance is pulled towards its instance's mean embedding (``L_var``,
hinged at ``delta_v``), the means of different instances of one image are pushed apart (``L_dist``,
hinged at ``2 * delta_d``) and the means are kept near the origin (``L_reg``).

Instances are found without a Python loop: each pixel's (image, instance id) pair becomes a bin index,
and per-instance sums, counts and means are ``index_add_`` / ``bincount`` reductions over those bins.
Pairwise distances between means are computed on a small padded tensor [groups, C_max, C_max].

Numerics: the loss is computed in (at least) float32 whatever the embeddings' dtype, since float16
sums over an image overflow, and its gradient flows back in the embeddings' dtype. The pull and push
terms depend only on differences of embeddings, so they are computed on embeddings centred on their
image's foreground mean: far from the origin the per-instance sums would otherwise lose the digits
that the distances need. Only the regulariser sees the uncentred means.
"""
from __future__ import annotations

import torch
from mmseg.registry import MODELS
from torch import Tensor, nn

_VARIANTS = ('paper', 'authors')


def _distance(diff: Tensor, norm: int) -> Tensor:
    """||diff|| over the last dim, with a finite gradient where the distance is exactly zero."""
    if norm == 1:
        return diff.abs().sum(-1)
    # sqrt has an infinite derivative at 0; clamping (instead of adding an epsilon) keeps every
    # distance above 1e-6 exact and gives a zero gradient at coincident points.
    return diff.pow(2).sum(-1).clamp_min(1e-12).sqrt()


def _image_means(pixels: Tensor, pixel_image: Tensor, batch_size: int) -> Tensor:
    """[B, D] mean of each image's foreground pixels (0 for an image without any)."""
    sums = pixels.new_zeros(batch_size, pixels.shape[1]).index_add_(0, pixel_image, pixels)
    counts = torch.bincount(pixel_image, minlength=batch_size).clamp_min(1)
    return sums / counts.unsqueeze(1).to(pixels.dtype)


@MODELS.register_module()
class DiscriminativeLoss(nn.Module):
    """The discriminative loss of Eq. 1-4 of the paper, averaged over the images of a batch.

    Args:
        delta_v: pull margin (hinge of the variance term).
        delta_d: push margin; means closer than ``2 * delta_d`` are pushed apart.
        alpha, beta, gamma: weights of the variance, distance and regularisation terms.
        norm: 1 or 2, the distance used in all three terms.
        variant: ``'paper'`` follows Eq. 1-4. ``'authors'`` follows the authors' released code: the
            variance term is summed (not averaged) over instances, the distance term runs over
            unordered pairs and is divided by ``C - 1``, there is no regularisation term and
            instances of at most one pixel are skipped.
        per_class: run the loss separately on each semantic class's instances (instances of different
            classes are never pushed apart); the class of an id is ``id // label_divisor``, as in
            Cityscapes' ``instanceIds`` (``26001`` is car instance 1).
        label_divisor: see ``per_class``.
        loss_weight: multiplies the whole loss, as in mmseg's losses.
        loss_name: name of the loss in the log; must start with ``loss_`` to be optimised.

    Images without instances contribute zero and still count in the batch mean, so the gradient scale
    of an image does not depend on what else is in its batch. In ``per_class`` mode the loss of an
    image is the sum of its classes' losses.
    """

    def __init__(self,
                 delta_v: float = 0.5,
                 delta_d: float = 1.5,
                 alpha: float = 1.0,
                 beta: float = 1.0,
                 gamma: float = 0.001,
                 norm: int = 2,
                 variant: str = 'paper',
                 per_class: bool = False,
                 label_divisor: int = 1000,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_disc') -> None:
        super().__init__()
        if norm not in (1, 2):
            raise ValueError(f'norm must be 1 or 2, got {norm!r}')
        if variant not in _VARIANTS:
            raise ValueError(f'variant must be one of {_VARIANTS}, got {variant!r}')
        if not 0 <= delta_v < delta_d:
            raise ValueError(f'expected 0 <= delta_v < delta_d, got {delta_v=} {delta_d=}')
        if label_divisor < 1:
            raise ValueError(f'label_divisor must be >= 1, got {label_divisor}')
        self.delta_v = delta_v
        self.delta_d = delta_d
        self.alpha = alpha
        self.beta = beta
        self.gamma = 0.0 if variant == 'authors' else gamma
        self.norm = norm
        self.variant = variant
        self.per_class = per_class
        self.label_divisor = label_divisor
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def forward(self, embeddings: Tensor, instance_ids: Tensor) -> Tensor:
        """The weighted loss ``alpha*L_var + beta*L_dist + gamma*L_reg`` as a scalar."""
        return sum(self.terms(embeddings, instance_ids).values())

    def terms(self, embeddings: Tensor, instance_ids: Tensor) -> dict[str, Tensor]:
        """The three weighted terms (``var``, ``dist``, ``reg``), each a scalar batch mean.

        Args:
            embeddings: float [B, D, H, W].
            instance_ids: integer [B, H, W]; 0 is background and is ignored.
        """
        self._check_inputs(embeddings, instance_ids)
        batch_size, dim = embeddings.shape[:2]
        dtype = torch.promote_types(embeddings.dtype, torch.float32)
        # keeps the graph connected when there is nothing to learn (a float16 sum could overflow)
        zero = (embeddings * 0.0).sum().to(dtype)

        # index_select rather than boolean or advanced indexing: its backward is a fast index_add_.
        flat_ids = instance_ids.reshape(-1).long()
        foreground = (flat_ids > 0).nonzero().squeeze(1)
        if foreground.numel() == 0:
            return {'var': zero, 'dist': zero, 'reg': zero}
        pixels = embeddings.permute(0, 2, 3, 1).reshape(-1, dim).index_select(0, foreground).to(dtype)
        ids = flat_ids.index_select(0, foreground)
        pixel_image = foreground // (flat_ids.numel() // batch_size)
        # The centre is a constant shift of each image: L_var and L_dist do not depend on it, so
        # detaching it changes no gradient.
        image_centres = _image_means(pixels.detach(), pixel_image, batch_size)
        pixels = pixels - image_centres.index_select(0, pixel_image)

        # Dense bins (image, id): no sort needed; empty bins are dropped after the reductions.
        bins_per_image = int(ids.max()) + 1
        pixel_bin = pixel_image * bins_per_image + ids
        counts = torch.bincount(pixel_bin, minlength=batch_size * bins_per_image)
        present = counts > (1 if self.variant == 'authors' else 0)
        instance_bins = present.nonzero().squeeze(1)
        sums = pixels.new_zeros(batch_size * bins_per_image, dim).index_add_(0, pixel_bin, pixels)
        means = sums / counts.clamp_min(1).unsqueeze(1).to(sums.dtype)
        instance_means = means.index_select(0, instance_bins)

        # Groups: an image, or an (image, class) pair in per-class mode. Instances of a group are
        # contiguous in instance_bins because the bins are sorted by (image, class, id).
        instance_image = instance_bins // bins_per_image
        if self.per_class:
            instance_class = (instance_bins % bins_per_image) // self.label_divisor
            num_classes = int(bins_per_image - 1) // self.label_divisor + 1
            group_key = instance_image * num_classes + instance_class
        else:
            group_key = instance_image
        group_keys, instance_group, group_sizes = torch.unique_consecutive(
            group_key, return_inverse=True, return_counts=True)
        instances_in_group = group_sizes[instance_group].to(pixels.dtype)

        var = self._variance_term(pixels, pixel_bin, means, counts, instance_bins, instances_in_group)
        dist = self._distance_term(instance_means, instance_group, group_sizes)
        uncentred_means = instance_means + image_centres.index_select(0, instance_image)
        reg = (_distance(uncentred_means, self.norm) / instances_in_group).sum()
        scale = self.loss_weight / batch_size
        return {
            'var': self.alpha * scale * var,
            'dist': self.beta * scale * dist,
            'reg': self.gamma * scale * reg,
        }

    def _variance_term(self, pixels: Tensor, pixel_bin: Tensor, means: Tensor, counts: Tensor,
                       instance_bins: Tensor, instances_in_group: Tensor) -> Tensor:
        """Sum over groups of L_var, as one weighted sum over pixels: w_i = 1 / (C * N_c).

        Bins of skipped instances keep weight 0, so their pixels drop out.
        """
        pull = (_distance(pixels - means.index_select(0, pixel_bin), self.norm) - self.delta_v).clamp_min(0).pow(2)
        bin_weight = torch.zeros_like(means[:, 0])
        instance_weight = 1.0 / counts[instance_bins].to(pixels.dtype)
        if self.variant == 'paper':
            instance_weight = instance_weight / instances_in_group
        bin_weight[instance_bins] = instance_weight
        return (pull * bin_weight.index_select(0, pixel_bin)).sum()

    def _distance_term(self, means: Tensor, instance_group: Tensor, group_sizes: Tensor) -> Tensor:
        """Sum over groups of L_dist, on the means padded to [groups, C_max, D]."""
        num_groups, max_size = group_sizes.numel(), int(group_sizes.max())
        if max_size < 2:
            return means.sum() * 0.0
        group_start = torch.cumsum(group_sizes, 0) - group_sizes
        slot = torch.arange(means.shape[0], device=means.device) - group_start[instance_group]
        padded = means.new_zeros(num_groups, max_size, means.shape[1])
        padded[instance_group, slot] = means
        valid = torch.arange(max_size, device=means.device) < group_sizes.unsqueeze(1)
        pair_valid = valid.unsqueeze(2) & valid.unsqueeze(1)
        pair_valid &= ~torch.eye(max_size, dtype=torch.bool, device=means.device)
        if self.variant == 'authors':
            pair_valid = pair_valid.triu(1)  # unordered pairs
        push = (2 * self.delta_d - _distance(padded.unsqueeze(2) - padded.unsqueeze(1), self.norm))
        push = push.clamp_min(0).pow(2) * pair_valid
        sizes = group_sizes.to(means.dtype)
        if self.variant == 'paper':
            normaliser = sizes * (sizes - 1)
        else:
            normaliser = sizes - 1
        return (push.sum((1, 2)) / normaliser.clamp_min(1)).sum()

    @staticmethod
    def _check_inputs(embeddings: Tensor, instance_ids: Tensor) -> None:
        if embeddings.dim() != 4:
            raise ValueError(f'embeddings must be [B, D, H, W], got shape {tuple(embeddings.shape)}')
        if instance_ids.dim() != 3 or instance_ids.shape != embeddings.shape[:1] + embeddings.shape[2:]:
            raise ValueError(
                f'instance_ids must be [B, H, W] matching embeddings {tuple(embeddings.shape)}, '
                f'got {tuple(instance_ids.shape)}')
        if not embeddings.is_floating_point():
            raise TypeError(f'embeddings must be floating point, got {embeddings.dtype}')
        if instance_ids.is_floating_point() or instance_ids.is_complex() or instance_ids.dtype == torch.bool:
            raise TypeError(f'instance_ids must be an integer tensor, got {instance_ids.dtype}')
        if not bool(torch.isfinite(embeddings).all()):
            raise ValueError('embeddings contain NaN or Inf: the network diverged or its input is corrupt')
        if instance_ids.numel() and int(instance_ids.min()) < 0:
            raise ValueError('instance_ids must be >= 0 (0 = background)')
