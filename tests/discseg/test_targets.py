"""Instance-id maps to training targets, against the Cityscapes id encoding."""
import numpy as np
import pytest

from discseg.targets import instance_targets

PERSON, CAR, ROAD = 24, 26, 7


def test_class_agnostic_ids_give_foreground():
    ids = np.array([[0, 3], [7, 7]])
    instances, semantic = instance_targets(ids)
    assert instances.dtype == np.uint16 and semantic.dtype == np.uint8
    np.testing.assert_array_equal(instances, ids)
    np.testing.assert_array_equal(semantic, [[0, 1], [1, 1]])


def test_cityscapes_ids_give_class_targets_and_skip_crowd_and_stuff():
    # road (stuff), a crowd region of cars (plain label id), car 26001, person 24003.
    ids = np.array([[ROAD, CAR], [CAR * 1000 + 1, PERSON * 1000 + 3]])
    instances, semantic = instance_targets(ids, label_divisor=1000, thing_label_ids=[PERSON, CAR])
    np.testing.assert_array_equal(instances, [[0, 0], [26001, 24003]])
    np.testing.assert_array_equal(semantic, [[0, 2], [2, 1]])


def test_cityscapes_needs_thing_classes():
    with pytest.raises(ValueError, match='thing_label_ids'):
        instance_targets(np.zeros((2, 2), int), label_divisor=1000)
