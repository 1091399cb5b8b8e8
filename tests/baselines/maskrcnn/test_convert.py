import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils

from baselines.maskrcnn.convert import encode_masks, instance_map_from_masks


def masks_from_rows(*rows_per_mask):
    """A [K, H, W] bool stack from one list of '0'/'1' strings per mask."""
    return np.array([[[c == '1' for c in row] for row in rows] for rows in rows_per_mask])


# Mask 0 and mask 1 overlap on the middle column; mask 2 lies inside mask 1; mask 3 stands alone.
MASKS = masks_from_rows(
    ['1110', '1110', '0000'],
    ['0011', '0011', '0011'],
    ['0000', '0000', '0011'],
    ['0000', '0000', '1000'],
)


def test_overlap_goes_to_the_higher_score_and_ids_follow_decreasing_score():
    instance_map, scores = instance_map_from_masks(MASKS[:2], np.array([0.6, 0.9]))

    np.testing.assert_array_equal(instance_map, [[2, 2, 1, 1],
                                                 [2, 2, 1, 1],
                                                 [0, 0, 1, 1]])
    np.testing.assert_allclose(scores, [0.9, 0.6])
    # Swapping the scores hands the shared column to the other mask.
    instance_map, _ = instance_map_from_masks(MASKS[:2], np.array([0.9, 0.6]))
    np.testing.assert_array_equal(instance_map[:2, 2], [1, 1])


def test_masks_below_the_threshold_are_not_painted_and_the_threshold_itself_is_kept():
    instance_map, scores = instance_map_from_masks(MASKS[[0, 3]], np.array([0.5, 0.49]))

    np.testing.assert_array_equal(instance_map, [[1, 1, 1, 0],
                                                 [1, 1, 1, 0],
                                                 [0, 0, 0, 0]])
    np.testing.assert_allclose(scores, [0.5])
    instance_map, scores = instance_map_from_masks(MASKS[[0, 3]], np.array([0.5, 0.49]),
                                                   score_threshold=0.4)
    assert instance_map[2, 0] == 2 and len(scores) == 2


def test_fully_covered_masks_are_dropped_and_the_rest_renumbered():
    # Mask 2 (0.7) lies inside mask 1 (0.8): it keeps no pixel, so mask 3 (0.6) becomes id 3.
    instance_map, scores = instance_map_from_masks(MASKS, np.array([0.9, 0.8, 0.7, 0.6]))

    np.testing.assert_array_equal(instance_map, [[1, 1, 1, 2],
                                                 [1, 1, 1, 2],
                                                 [3, 0, 2, 2]])
    np.testing.assert_allclose(scores, [0.9, 0.8, 0.6])


def test_tensors_give_the_same_map_as_arrays_and_no_mask_gives_background():
    scores = np.array([0.9, 0.8, 0.7, 0.6], dtype=np.float32)
    from_arrays = instance_map_from_masks(MASKS, scores)
    from_tensors = instance_map_from_masks(torch.from_numpy(MASKS), torch.from_numpy(scores))
    np.testing.assert_array_equal(from_tensors[0], from_arrays[0])
    np.testing.assert_array_equal(from_tensors[1], from_arrays[1])

    instance_map, scores = instance_map_from_masks(torch.zeros(0, 3, 4, dtype=torch.bool),
                                                   torch.zeros(0))
    np.testing.assert_array_equal(instance_map, np.zeros((3, 4)))
    assert instance_map.dtype == np.int64 and scores.shape == (0, )


def test_masks_and_scores_must_agree():
    with pytest.raises(ValueError, match=r'expected masks \[K, H, W\] and scores \[K\]'):
        instance_map_from_masks(MASKS, np.array([0.9, 0.8]))


def test_encode_masks_keeps_every_mask_overlapping_or_empty():
    masks = np.concatenate([MASKS, np.zeros((1, 3, 4), dtype=bool)])
    scores = torch.tensor([0.9, 0.2, 0.7, 0.6, 0.1])

    encoded = encode_masks(torch.from_numpy(masks), scores)

    assert (encoded.height, encoded.width) == (3, 4)
    np.testing.assert_array_equal(mask_utils.decode(encoded.rles).transpose(2, 0, 1), masks)
    np.testing.assert_allclose(encoded.scores, scores.numpy())


def test_encode_masks_of_no_detection():
    encoded = encode_masks(np.zeros((0, 5, 7), dtype=bool), np.zeros(0))
    assert (encoded.height, encoded.width, encoded.rles) == (5, 7, [])
    assert encoded.scores.shape == (0, )
