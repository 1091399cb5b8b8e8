import numpy as np
import pytest
import torch

from discseg.evaluation.cvppp import (
    best_dice,
    dice,
    difference_in_count,
    foreground_dice,
    symmetric_best_dice,
)

# One ground-truth leaf (label 1, 8 pixels) split unevenly by the prediction into
# label 3 (2 pixels) and label 7 (6 pixels).
LEAF = np.array(
    [
        [1, 1, 1, 1],
        [1, 1, 1, 1],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
    ]
)
SPLIT_LEAF = np.array(
    [
        [3, 7, 7, 7],
        [3, 7, 7, 7],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
    ]
)
# Dice(3, 1) = 2*2 / (2 + 8) = 2/5;  Dice(7, 1) = 2*6 / (6 + 8) = 6/7.
# BestDice(SPLIT, LEAF) = (2/5 + 6/7) / 2 = 22/35  (gt leaf 1 is the best match of both labels)
# BestDice(LEAF, SPLIT) = max(2/5, 6/7)    =  6/7
SPLIT_BEST_DICE = 22 / 35
LEAF_BEST_DICE = 6 / 7

# Two leaves, one prediction label straddling both and one covering a corner of leaf 2.
TWO_LEAVES = np.array(
    [
        [1, 1, 2],
        [1, 1, 2],
        [0, 0, 2],
    ]
)
STRADDLING = np.array(
    [
        [4, 4, 4],
        [4, 4, 0],
        [0, 0, 8],
    ]
)
# |4| = 5, |8| = 1, |1| = 4, |2| = 3; overlaps: (4,1) = 4, (4,2) = 1, (8,2) = 1, (8,1) = 0.
# Dice(4,1) = 8/9, Dice(4,2) = 2/8 = 1/4, Dice(8,2) = 2/4 = 1/2, Dice(8,1) = 0.
# BestDice(pred, gt) = (8/9 + 1/2) / 2 = 25/36;  BestDice(gt, pred) = (8/9 + 1/2) / 2 = 25/36.
# Foreground: 6 predicted pixels, 7 ground-truth pixels, all 6 inside -> 2*6 / 13 = 12/13.


def brute_force_best_dice(first: np.ndarray, second: np.ndarray) -> float:
    """The definition written out with loops, as an independent reference."""
    first_ids = [i for i in np.unique(first) if i != 0]
    second_ids = [j for j in np.unique(second) if j != 0]
    if not first_ids:
        return 0.0
    best_per_label = [
        max([dice(first == i, second == j) for j in second_ids], default=0.0) for i in first_ids
    ]
    return float(np.mean(best_per_label))


def test_dice_of_masks():
    a = np.array([[True, True, False]])
    b = np.array([[False, True, True]])
    assert dice(a, b) == pytest.approx(2 * 1 / (2 + 2))
    assert dice(a, a) == 1.0
    assert dice(a, ~a) == 0.0


def test_dice_of_two_empty_masks_is_zero():
    empty = np.zeros((2, 2), dtype=bool)
    assert dice(empty, empty) == 0.0


def test_dice_rejects_non_boolean_masks():
    with pytest.raises(TypeError, match='boolean'):
        dice(np.ones((2, 2), dtype=np.uint8), np.ones((2, 2), dtype=bool))


def test_best_dice_matches_a_ground_truth_label_more_than_once():
    assert best_dice(SPLIT_LEAF, LEAF) == pytest.approx(SPLIT_BEST_DICE)
    assert best_dice(LEAF, SPLIT_LEAF) == pytest.approx(LEAF_BEST_DICE)


def test_symmetric_best_dice_takes_the_smaller_direction():
    expected = min(SPLIT_BEST_DICE, LEAF_BEST_DICE)
    assert symmetric_best_dice(SPLIT_LEAF, LEAF) == pytest.approx(expected)
    assert symmetric_best_dice(LEAF, SPLIT_LEAF) == pytest.approx(expected)


def test_scores_of_two_overlapping_leaves():
    assert best_dice(STRADDLING, TWO_LEAVES) == pytest.approx(25 / 36)
    assert best_dice(TWO_LEAVES, STRADDLING) == pytest.approx(25 / 36)
    assert symmetric_best_dice(STRADDLING, TWO_LEAVES) == pytest.approx(25 / 36)
    assert foreground_dice(STRADDLING, TWO_LEAVES) == pytest.approx(12 / 13)
    assert difference_in_count(STRADDLING, TWO_LEAVES) == 0


def test_perfect_prediction_scores_one():
    assert symmetric_best_dice(TWO_LEAVES, TWO_LEAVES) == 1.0
    assert foreground_dice(TWO_LEAVES, TWO_LEAVES) == 1.0
    assert difference_in_count(TWO_LEAVES, TWO_LEAVES) == 0


def test_difference_in_count_is_prediction_minus_ground_truth():
    assert difference_in_count(SPLIT_LEAF, LEAF) == 1
    assert difference_in_count(LEAF, SPLIT_LEAF) == -1


def test_a_missed_leaf_counts_only_in_the_ground_truth_direction():
    # Leaf 1 found exactly, leaf 2 left as background (which is never matched).
    # BestDice(pred, gt) = 1;  BestDice(gt, pred) = (1 + 0) / 2 = 1/2.
    leaf_1_only = np.where(TWO_LEAVES == 1, 1, 0)
    assert best_dice(leaf_1_only, TWO_LEAVES) == 1.0
    assert symmetric_best_dice(leaf_1_only, TWO_LEAVES) == pytest.approx(1 / 2)
    assert difference_in_count(leaf_1_only, TWO_LEAVES) == -1


def test_a_prediction_without_background_is_one_instance():
    # Label 0 alone is background, so a map of 1s is one 9-px instance, not a "trivial" prediction.
    # Dice(all, leaf 1) = 2*4 / (9 + 4) = 8/13,  Dice(all, leaf 2) = 2*3 / (9 + 3) = 1/2.
    # BestDice(pred, gt) = 8/13 = 32/52,  BestDice(gt, pred) = (8/13 + 1/2) / 2 = 29/52.
    everything = np.ones_like(TWO_LEAVES)
    assert symmetric_best_dice(everything, TWO_LEAVES) == pytest.approx(29 / 52)
    assert difference_in_count(everything, TWO_LEAVES) == -1
    assert foreground_dice(everything, TWO_LEAVES) == pytest.approx(2 * 7 / (9 + 7))


def test_empty_prediction_scores_zero():
    empty = np.zeros_like(TWO_LEAVES)
    assert best_dice(empty, TWO_LEAVES) == 0.0
    assert best_dice(TWO_LEAVES, empty) == 0.0
    assert symmetric_best_dice(empty, TWO_LEAVES) == 0.0
    assert foreground_dice(empty, TWO_LEAVES) == 0.0
    assert difference_in_count(empty, TWO_LEAVES) == -2


def test_both_empty_scores_zero_like_the_official_code():
    empty = np.zeros((3, 3), dtype=np.int64)
    assert symmetric_best_dice(empty, empty) == 0.0
    assert foreground_dice(empty, empty) == 0.0
    assert difference_in_count(empty, empty) == 0


def test_scores_are_invariant_to_relabelling_and_id_dtype():
    rng = np.random.default_rng(0)
    pred = rng.integers(0, 6, size=(16, 16))
    gt = rng.integers(0, 5, size=(16, 16))
    # Non-consecutive ids of another integer dtype, background kept at 0.
    pred_lookup = np.array([0, 60000, 17, 4, 999, 2], dtype=np.uint16)
    gt_lookup = np.array([0, 5, 30001, 8, 12], dtype=np.uint16)
    relabelled_pred, relabelled_gt = pred_lookup[pred], gt_lookup[gt]

    assert symmetric_best_dice(relabelled_pred, relabelled_gt) == pytest.approx(
        symmetric_best_dice(pred, gt))
    assert best_dice(relabelled_pred, relabelled_gt) == pytest.approx(best_dice(pred, gt))
    assert best_dice(relabelled_gt, relabelled_pred) == pytest.approx(best_dice(gt, pred))
    assert difference_in_count(relabelled_pred, relabelled_gt) == difference_in_count(pred, gt) == 1


@pytest.mark.parametrize('seed', range(5))
def test_best_dice_agrees_with_the_definition_on_random_maps(seed):
    rng = np.random.default_rng(seed)
    pred = rng.integers(0, 7, size=(12, 10)) * 3  # ids 0, 3, 6, ..., 18
    gt = rng.integers(0, 4, size=(12, 10))
    assert best_dice(pred, gt) == pytest.approx(brute_force_best_dice(pred, gt))
    assert best_dice(gt, pred) == pytest.approx(brute_force_best_dice(gt, pred))
    assert symmetric_best_dice(pred, gt) == pytest.approx(
        min(brute_force_best_dice(pred, gt), brute_force_best_dice(gt, pred))
    )


def test_inputs_are_validated():
    with pytest.raises(ValueError, match='shape'):
        symmetric_best_dice(np.zeros((2, 2), dtype=int), np.zeros((2, 3), dtype=int))
    with pytest.raises(TypeError, match='integer'):
        best_dice(np.zeros((2, 2), dtype=float), np.zeros((2, 2), dtype=int))
    with pytest.raises(TypeError, match='integer'):
        difference_in_count(np.zeros((2, 2), dtype=int), np.zeros((2, 2), dtype=bool))


def test_colour_maps_and_negative_ids_are_errors_not_scores():
    colour = np.zeros((2, 2, 3), dtype=np.uint8)
    for score in (symmetric_best_dice, difference_in_count, foreground_dice):
        with pytest.raises(ValueError, match=r'pred must be an \(H, W\) map of ids, got shape '
                                             r'\(2, 2, 3\)'):
            score(colour, colour)
    with pytest.raises(ValueError, match=r'gt holds negative ids \(down to -1\)'):
        symmetric_best_dice(np.zeros((2, 2), int), np.array([[0, -1], [1, 1]]))


def test_torch_uint16_maps_score_like_their_int64_copies():
    """``torch.from_numpy`` of a 16-bit PNG gives torch.uint16, which has no min / max in torch."""
    pred = torch.from_numpy(np.array([[0, 1, 1], [2, 2, 0]], np.uint16))
    gt = torch.from_numpy(np.array([[0, 1, 1], [1, 2, 2]], np.uint16))
    for score in (best_dice, symmetric_best_dice, difference_in_count, foreground_dice):
        assert score(pred, gt) == score(pred.numpy().astype(np.int64), gt.numpy().astype(np.int64))
    # By hand: pred 1 best matches gt 1 (2 of 2 + 3 px: 4/5), pred 2 gt 2 (1 of 2 + 2 px: 1/2).
    assert best_dice(pred, gt) == pytest.approx((4 / 5 + 1 / 2) / 2)
