"""Scores of the CVPPP Leaf Segmentation Challenge on instance label maps.

Definitions of the challenge's official scoring (Scharr et al., "Leaf segmentation in plant
phenotyping: a collation study", 2016), as quoted in the paper:

    Dice(A, B)      = 2 |A ∩ B| / (|A| + |B|)
    BestDice(P, G)  = mean over labels p of P of  max over labels g of G of Dice(p, g)
    SBD(P, G)       = min(BestDice(P, G), BestDice(G, P))
    DiC(P, G)       = #labels(P) - #labels(G)
    FgBgDice(P, G)  = Dice(P > 0, G > 0)

Value 0 is background and every other value is an instance id. Ids need not be consecutive: only the
ids present are counted (the official code counts max - min, so it needs relabelled maps; the
numbers agree once they are). A ground-truth label may be the best match of several predicted ones.

Degenerate cases follow the official code, which returns 0 rather than an undefined value: Dice of
two empty masks is 0, BestDice(P, G) is 0 when P has no labels (an all-background, "trivial"
prediction) and every per-label maximum is 0 when G has none. So SBD is 0 whenever either side is
empty, both included. One difference: the official code takes the smallest value of a map as its
background, so a map without any 0 pixel loses its lowest id; here 0 alone is background.
"""
import numpy as np

from ..instance_maps import instance_ids

__all__ = ['as_label_map', 'best_dice', 'dice', 'difference_in_count', 'foreground_dice',
           'symmetric_best_dice']

BACKGROUND = 0


def as_label_map(label_map, name: str = 'label map') -> np.ndarray:
    """``label_map`` as an (H, W) numpy array of non-negative integer ids, or an error naming it.

    Accepts numpy arrays and torch tensors on any device and of any integer dtype, ``torch.uint16``
    (what ``torch.from_numpy`` gives for a 16-bit PNG) included. A colour (H, W, 3) map, floats or
    negative ids are errors: scoring them would give numbers that mean nothing.
    """
    if hasattr(label_map, 'detach'):  # a torch tensor: torch has no min / max of uint16, numpy has
        label_map = label_map.detach().cpu().numpy()
    label_map = np.asarray(label_map)
    if label_map.ndim != 2:
        raise ValueError(f'{name} must be an (H, W) map of ids, got shape {label_map.shape} '
                         f'(a colour map must be turned into ids first)')
    if not np.issubdtype(label_map.dtype, np.integer):
        raise TypeError(f'{name} must be an integer label map, got dtype {label_map.dtype}')
    if label_map.size and np.issubdtype(label_map.dtype, np.signedinteger) \
            and label_map.min() < 0:
        raise ValueError(f'{name} holds negative ids (down to {label_map.min()}): ids are 0 '
                         f'(background) and positive instance ids')
    return label_map


def _label_maps(pred: np.ndarray, gt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pred, gt = as_label_map(pred, 'pred'), as_label_map(gt, 'gt')
    if pred.shape != gt.shape:
        raise ValueError(f'label maps differ in shape: pred {pred.shape}, gt {gt.shape}')
    return pred, gt


def _pairwise_dice(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Dice of every (pred label, gt label) pair, shape (#pred labels, #gt labels).

    Both maps are reduced to dense indices and one bincount over the combined index gives the
    contingency table (pixel counts of every pair, background included), whose margins are the
    label sizes. Cost: one sort per map plus O(#pixels + #pairs), with no loop over pairs.
    """
    pred_ids, pred_index = np.unique(pred.ravel(), return_inverse=True)
    gt_ids, gt_index = np.unique(gt.ravel(), return_inverse=True)
    contingency = np.bincount(
        pred_index * len(gt_ids) + gt_index, minlength=len(pred_ids) * len(gt_ids)
    ).reshape(len(pred_ids), len(gt_ids))

    pred_sizes = contingency.sum(axis=1)
    gt_sizes = contingency.sum(axis=0)
    is_pred_instance = pred_ids != BACKGROUND
    is_gt_instance = gt_ids != BACKGROUND
    overlap = contingency[np.ix_(is_pred_instance, is_gt_instance)]
    # Every label present in a map covers at least one pixel, so the denominator is positive.
    size_sum = pred_sizes[is_pred_instance, None] + gt_sizes[None, is_gt_instance]
    return 2.0 * overlap / size_sum


def _best_dice_from_table(pairwise_dice: np.ndarray) -> float:
    """Mean over rows of the row maximum.

    No rows (no labels in the first map) scores 0; no columns makes every row maximum 0.
    """
    if pairwise_dice.size == 0:
        return 0.0
    return float(pairwise_dice.max(axis=1).mean())


def dice(a: np.ndarray, b: np.ndarray) -> float:
    """Dice coefficient 2|A ∩ B| / (|A| + |B|) of two boolean masks; 0 if both are empty."""
    if a.shape != b.shape:
        raise ValueError(f'masks differ in shape: {a.shape} vs {b.shape}')
    for name, mask in (('a', a), ('b', b)):
        if mask.dtype != np.bool_:
            raise TypeError(f'{name} must be a boolean mask, got dtype {mask.dtype}')
    size_sum = np.count_nonzero(a) + np.count_nonzero(b)
    if size_sum == 0:
        return 0.0
    return 2.0 * np.count_nonzero(a & b) / size_sum


def best_dice(pred: np.ndarray, gt: np.ndarray) -> float:
    """BestDice(pred, gt): how well each label of ``pred`` is covered by its best label of ``gt``.

    Asymmetric: labels of ``gt`` that no label of ``pred`` covers are never looked at, so one
    perfect leaf and nothing else scores 1. The challenge therefore ranks by the symmetric version.
    """
    pred, gt = _label_maps(pred, gt)
    return _best_dice_from_table(_pairwise_dice(pred, gt))


def symmetric_best_dice(pred: np.ndarray, gt: np.ndarray) -> float:
    """SBD = min(BestDice(pred, gt), BestDice(gt, pred)): each map must explain the other."""
    pred, gt = _label_maps(pred, gt)
    pairwise_dice = _pairwise_dice(pred, gt)
    return min(_best_dice_from_table(pairwise_dice), _best_dice_from_table(pairwise_dice.T))


def difference_in_count(pred: np.ndarray, gt: np.ndarray) -> int:
    """DiC = #instances in ``pred`` minus #instances in ``gt``; positive means over-counting."""
    pred, gt = _label_maps(pred, gt)
    return len(instance_ids(pred)) - len(instance_ids(gt))


def foreground_dice(pred: np.ndarray, gt: np.ndarray) -> float:
    """Dice of the foregrounds (all instances merged), separating segmentation from splitting."""
    pred, gt = _label_maps(pred, gt)
    return dice(pred != BACKGROUND, gt != BACKGROUND)
