"""Instance-map primitives against hand-worked masks, boxes and COCO fields."""
import numpy as np
import pytest
from pycocotools import mask as mask_utils

from discseg.instance_maps import (bounding_boxes, coco_mask_fields, encode_rles, instance_ids,
                                   instance_masks)

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
