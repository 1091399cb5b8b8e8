"""Occlusion measures on hand-made masks whose answers are worked out by hand."""
import numpy as np
import pytest

from discseg.instance_maps import instance_masks
from discseg.synthetic.occlusion import (box_iou, hidden_fraction, mean_pairwise_box_iou,
                                         num_crossings, occlusion_tags)

SIZE = 24


def _rectangle(rows: slice, cols: slice) -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), dtype=bool)
    mask[rows, cols] = True
    return mask


def _diagonal(length: int, col_offset: int = 0, anti: bool = False) -> np.ndarray:
    """A one-pixel-wide diagonal of ``length`` pixels from row 0, ``col_offset`` to the right."""
    mask = np.zeros((SIZE, SIZE), dtype=bool)
    rows = np.arange(length)
    cols = (length - 1 - rows if anti else rows) + col_offset
    mask[rows, cols] = True
    return mask


def _instance_map(*masks: np.ndarray) -> np.ndarray:
    """Paint masks in order, later over earlier, as ids 1, 2, ..."""
    instance_map = np.zeros((SIZE, SIZE), dtype=np.uint16)
    for instance_id, mask in enumerate(masks, start=1):
        instance_map[mask] = instance_id
    return instance_map


def test_hidden_fraction_of_two_perpendicular_sticks_crossing_in_the_middle():
    # A: 4 rows x 20 cols; B, painted later: 20 rows x 4 cols through A's middle; overlap 4 x 4.
    full_a = _rectangle(slice(10, 14), slice(0, 20))
    full_b = _rectangle(slice(2, 22), slice(8, 12))
    visible_a = full_a & ~full_b
    full = np.stack([full_a, full_b])
    visible = np.stack([visible_a, full_b])
    assert hidden_fraction(full, visible) == pytest.approx(16 / (80 + 80))


def test_hidden_fraction_is_zero_without_overlap_or_sticks():
    full = np.stack([_rectangle(slice(0, 3), slice(0, 20)),
                     _rectangle(slice(10, 13), slice(0, 20))])
    assert hidden_fraction(full, full) == 0.0
    empty = np.zeros((0, SIZE, SIZE), dtype=bool)
    assert hidden_fraction(empty, empty) == 0.0


def test_box_iou_of_partly_overlapping_boxes():
    # 4 x 4 boxes offset by (2, 2): intersection 2 x 2 = 4, union 16 + 16 - 4 = 28.
    iou = box_iou(np.array([[0, 0, 4, 4], [2, 2, 6, 6]]))
    np.testing.assert_allclose(iou, [[1.0, 4 / 28], [4 / 28, 1.0]])


def test_crossed_sticks_share_one_box():
    # The paper's "two crossed swords": the diagonal and anti-diagonal of a 9 x 9 square. The first
    # loses the shared centre pixel to the second; both boxes are still the whole square.
    instance_map = _instance_map(_diagonal(9), _diagonal(9, anti=True))
    assert mean_pairwise_box_iou(instance_map) == pytest.approx(1.0)


def test_parallel_non_touching_sticks():
    # Diagonals of 10 and 8 pixels, the second 2 columns to the right: they never touch, yet the
    # boxes are cols 0-9 x rows 0-9 (100) and cols 2-9 x rows 0-7 (64), the second inside the first.
    first, second = _diagonal(10), _diagonal(8, col_offset=2)
    assert not (first & second).any()
    instance_map = _instance_map(first, second)
    assert mean_pairwise_box_iou(instance_map) == pytest.approx(64 / 100)
    assert hidden_fraction(np.stack([first, second]), instance_masks(instance_map)) == 0.0
    # A third stick far away adds two pairs with IoU 0.
    third = _rectangle(slice(20, 22), slice(12, 24))
    assert mean_pairwise_box_iou(_instance_map(first, second, third)) == pytest.approx(0.64 / 3)


def test_parallel_horizontal_sticks_have_disjoint_boxes():
    instance_map = _instance_map(_rectangle(slice(2, 5), slice(0, 20)),
                                 _rectangle(slice(8, 11), slice(4, 24)))
    assert mean_pairwise_box_iou(instance_map) == 0.0


@pytest.mark.parametrize('num_instances', [0, 1])
def test_mean_box_iou_needs_two_instances(num_instances):
    instance_map = _instance_map(*[_rectangle(slice(0, 4), slice(0, 4))][:num_instances])
    assert mean_pairwise_box_iou(instance_map) == 0.0


def test_num_crossings_counts_touching_pairs():
    horizontal = _rectangle(slice(10, 14), slice(0, 20))
    vertical = _rectangle(slice(2, 22), slice(8, 12))
    apart = _rectangle(slice(20, 23), slice(14, 24))
    assert num_crossings(np.stack([horizontal, vertical, apart])) == 1
    # Three sticks through one point: every pair crosses.
    assert num_crossings(np.stack([horizontal, vertical, _diagonal(24)])) == 3
    assert num_crossings(np.zeros((0, SIZE, SIZE), dtype=bool)) == 0


def test_occlusion_tags_of_crossed_swords_a_covered_end_and_a_free_stick():
    horizontal = _rectangle(slice(10, 14), slice(2, 22))
    across_middle = _rectangle(slice(0, 24), slice(10, 14))  # cuts `horizontal` in two
    lower = _rectangle(slice(18, 21), slice(15, 24))
    covering_end = _rectangle(slice(16, 23), slice(21, 24))  # hides the end of `lower`
    full = np.stack([horizontal, across_middle, lower, covering_end])
    instance_map = _instance_map(*full)
    visible = instance_map[None] == np.arange(1, 5)[:, None, None]
    assert occlusion_tags(full, visible) == ['separated', 'unoccluded', 'occluded', 'unoccluded']
    # touching only at a corner is one piece under 8-connectivity
    corner = np.zeros((SIZE, SIZE), bool)
    corner[0, 0] = corner[1, 1] = True
    assert occlusion_tags(corner[None], corner[None]) == ['unoccluded']
