"""Instance-map primitives against hand-worked masks, boxes and COCO fields."""
import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils

from discseg.instance_maps import (bounding_boxes, coco_mask_fields, encode_rles, instance_ids,
                                   instance_map_from_masks, instance_masks)

# Ids need not be consecutive; 300 is out of 8-bit range; instance 7 has two separate parts.
MAP = np.array([[0, 300, 300, 0, 0, 0],
                [0, 300, 300, 0, 7, 0],
                [0, 0, 0, 0, 0, 0],
                [7, 0, 0, 0, 0, 0],
                [0, 0, 0, 0, 0, 2]], dtype=np.int32)
# (x0, y0, x1, y1): first column / row covered, last column / row covered + 1, by hand.
BOXES = [[5, 4, 6, 5],  # id 2: one pixel at (row 4, column 5)
         [0, 1, 5, 4],  # id 7: (1, 4) and (3, 0)
         [1, 0, 3, 2]]  # id 300: rows 0-1, columns 1-2


def test_ids_are_the_non_zero_values_increasing():
    np.testing.assert_array_equal(instance_ids(MAP), [2, 7, 300])
    assert instance_ids(np.zeros((2, 2), np.uint16)).size == 0


def test_masks_are_the_id_regions_in_increasing_id_order():
    masks = instance_masks(MAP)
    assert masks.dtype == bool and masks.shape == (3, 5, 6)
    for mask, instance_id in zip(masks, (2, 7, 300)):
        np.testing.assert_array_equal(mask, MAP == instance_id)


def test_masks_of_given_ids_keep_their_order_and_absent_ones_are_empty():
    masks = instance_masks(MAP, np.array([300, 5]))
    np.testing.assert_array_equal(masks[0], MAP == 300)
    assert not masks[1].any()


def test_rejects_what_is_not_one_map():
    with pytest.raises(ValueError, match=r'\(H, W\) instance map'):
        instance_masks(MAP[None])


def test_boxes_enclose_each_mask_with_exclusive_ends():
    boxes = bounding_boxes(instance_masks(MAP))
    assert boxes.dtype == np.int64
    np.testing.assert_array_equal(boxes, BOXES)


def test_a_map_without_instances_gives_empty_masks_boxes_and_rles():
    masks = instance_masks(np.zeros((4, 3), np.uint16))
    assert masks.shape == (0, 4, 3) and bounding_boxes(masks).shape == (0, 4)
    assert encode_rles(masks) == [] and coco_mask_fields(masks) == []


def test_rles_decode_to_the_masks_empty_and_overlapping_ones_included():
    masks = np.zeros((3, 5, 6), dtype=bool)
    masks[0, 1:4, 2:5] = True
    masks[1, 2:5, 0:3] = True  # overlaps mask 0 at (2..3, 2)
    rles = encode_rles(masks)
    np.testing.assert_array_equal(mask_utils.decode(rles).transpose(2, 0, 1), masks)


def test_coco_fields_give_area_in_pixels_and_box_as_x_y_width_height():
    fields = coco_mask_fields(instance_masks(MAP))
    assert [field['area'] for field in fields] == [1, 2, 4]
    assert [field['bbox'] for field in fields] == [[x0, y0, x1 - x0, y1 - y0]
                                                   for x0, y0, x1, y1 in BOXES]
    # JSON holds the counts as text; pycocotools decodes them back to the mask.
    segmentation = dict(fields[1]['segmentation'], counts=fields[1]['segmentation']['counts'].encode())
    np.testing.assert_array_equal(mask_utils.decode(segmentation), MAP == 7)
    assert fields[1]['segmentation']['size'] == [5, 6]


def masks_from_rows(*rows_per_mask):
    """A [K, H, W] bool stack from one list of '0'/'1' strings per mask."""
    return np.array([[[c == '1' for c in row] for row in rows] for rows in rows_per_mask])


# Mask 0 and mask 1 overlap on the middle column; mask 2 lies inside mask 1; mask 3 stands alone.
DETECTIONS = masks_from_rows(
    ['1110', '1110', '0000'],
    ['0011', '0011', '0011'],
    ['0000', '0000', '0011'],
    ['0000', '0000', '1000'],
)


def test_overlap_goes_to_the_higher_score_and_ids_follow_decreasing_score():
    instance_map, scores = instance_map_from_masks(DETECTIONS[:2], np.array([0.6, 0.9]))

    np.testing.assert_array_equal(instance_map, [[2, 2, 1, 1],
                                                 [2, 2, 1, 1],
                                                 [0, 0, 1, 1]])
    np.testing.assert_allclose(scores, [0.9, 0.6])
    # Swapping the scores hands the shared column to the other mask.
    instance_map, _ = instance_map_from_masks(DETECTIONS[:2], np.array([0.9, 0.6]))
    np.testing.assert_array_equal(instance_map[:2, 2], [1, 1])


def test_masks_below_the_threshold_are_not_painted_and_the_threshold_itself_is_kept():
    instance_map, scores = instance_map_from_masks(DETECTIONS[[0, 3]], np.array([0.5, 0.49]))

    np.testing.assert_array_equal(instance_map, [[1, 1, 1, 0],
                                                 [1, 1, 1, 0],
                                                 [0, 0, 0, 0]])
    np.testing.assert_allclose(scores, [0.5])
    instance_map, scores = instance_map_from_masks(DETECTIONS[[0, 3]], np.array([0.5, 0.49]),
                                                   score_threshold=0.4)
    assert instance_map[2, 0] == 2 and len(scores) == 2


def test_fully_covered_masks_are_dropped_and_the_rest_renumbered():
    # Mask 2 (0.7) lies inside mask 1 (0.8): it keeps no pixel, so mask 3 (0.6) becomes id 3.
    instance_map, scores = instance_map_from_masks(DETECTIONS, np.array([0.9, 0.8, 0.7, 0.6]))

    np.testing.assert_array_equal(instance_map, [[1, 1, 1, 2],
                                                 [1, 1, 1, 2],
                                                 [3, 0, 2, 2]])
    np.testing.assert_allclose(scores, [0.9, 0.8, 0.6])


def test_tensors_give_the_same_map_as_arrays_and_no_mask_gives_background():
    scores = np.array([0.9, 0.8, 0.7, 0.6], dtype=np.float32)
    from_arrays = instance_map_from_masks(DETECTIONS, scores)
    from_tensors = instance_map_from_masks(torch.from_numpy(DETECTIONS), torch.from_numpy(scores))
    np.testing.assert_array_equal(from_tensors[0], from_arrays[0])
    np.testing.assert_array_equal(from_tensors[1], from_arrays[1])

    instance_map, scores = instance_map_from_masks(torch.zeros(0, 3, 4, dtype=torch.bool),
                                                   torch.zeros(0))
    np.testing.assert_array_equal(instance_map, np.zeros((3, 4)))
    assert instance_map.dtype == np.int64 and scores.shape == (0, )


def test_masks_and_scores_must_agree():
    with pytest.raises(ValueError, match=r'expected masks \[K, H, W\] and scores \[K\]'):
        instance_map_from_masks(DETECTIONS, np.array([0.9, 0.8]))
