import math

import numpy as np
import pytest
from pycocotools import mask as mask_utils

from discseg.evaluation.mask_ap import EncodedInstances, encode_instances, mask_ap

# COCO AP is the mean, over 101 recall thresholds r = 0, 0.01, ..., 1, of the best precision reached
# at recall >= r (0 where that recall is never reached); mask_ap also averages over the ten IoU
# thresholds 0.50, 0.55, ..., 0.95. The IoUs below are kept off those thresholds.


def squares_map():
    """Two 3x3 instances with non-consecutive ids on an 8x8 background."""
    instance_map = np.zeros((8, 8), dtype=np.int64)
    instance_map[0:3, 0:3] = 4
    instance_map[4:7, 4:7] = 9
    return instance_map


def test_ground_truth_submitted_as_prediction_scores_one():
    rng = np.random.default_rng(0)
    ground_truths = [
        squares_map(),
        rng.integers(0, 5, size=(10, 12)) * 7,  # ids 7, 14, 21, 28 scattered over the image
        np.zeros((5, 5), dtype=np.int64),  # nothing to find, nothing predicted
    ]
    predictions = []
    for ground_truth in ground_truths:
        # Relabel to the ids 1..K a prediction uses; background 0 stays 0.
        ids, consecutive = np.unique(ground_truth, return_inverse=True)
        scores = rng.uniform(size=len(ids) - 1)
        predictions.append((consecutive.reshape(ground_truth.shape), scores))

    result = mask_ap(predictions, ground_truths)
    assert result == {'mask_ap': 1.0, 'mask_ap50': 1.0, 'mask_ap75': 1.0}


def test_missing_one_of_two_instances_halves_recall():
    # One exact detection of two instances: precision 1 up to recall 1/2, then nothing.
    # Recall thresholds 0, 0.01, ..., 0.50 (51 of 101) get precision 1, at every IoU threshold.
    ground_truth = squares_map()
    prediction = (np.where(ground_truth == 9, 1, 0), np.array([0.9]))
    expected = 51 / 101
    assert mask_ap([prediction], [ground_truth]) == pytest.approx(
        {'mask_ap': expected, 'mask_ap50': expected, 'mask_ap75': expected}
    )


def test_iou_of_two_thirds_passes_iou_050_but_not_075():
    # Ground truth: a 2x5 bar (10 px). Prediction: the bar shifted right by one column (10 px).
    # Intersection 2x4 = 8, union 12, IoU = 2/3: a match at IoU thresholds 0.50, 0.55, 0.60, 0.65
    # (AP 1 each) and a miss at the six from 0.70 to 0.95 (AP 0 each) -> AP = 4/10.
    ground_truth = np.zeros((4, 8), dtype=np.int64)
    ground_truth[0:2, 0:5] = 1
    predicted_map = np.zeros_like(ground_truth)
    predicted_map[0:2, 1:6] = 1

    result = mask_ap([(predicted_map, np.array([1.0]))], [ground_truth])
    assert result == pytest.approx({'mask_ap': 0.4, 'mask_ap50': 1.0, 'mask_ap75': 0.0})


@pytest.mark.parametrize(
    'scores, expected_ap',
    [
        # Instance 1 is a false positive, instance 2 the exact match.
        # False positive ranked first: precision 0 then 1/2 at recall 1; the interpolated precision
        # is 1/2 at every recall threshold -> AP 1/2.
        (np.array([0.9, 0.5]), 0.5),
        # True positive ranked first: precision 1 at recall 1 -> AP 1.
        (np.array([0.5, 0.9]), 1.0),
    ],
)
def test_scores_rank_detections_by_id(scores, expected_ap):
    ground_truth = np.zeros((8, 8), dtype=np.int64)
    ground_truth[0:3, 0:3] = 1
    predicted_map = np.zeros_like(ground_truth)
    predicted_map[5:8, 5:8] = 1
    predicted_map[0:3, 0:3] = 2

    result = mask_ap([(predicted_map, scores)], [ground_truth])
    assert result['mask_ap'] == pytest.approx(expected_ap)


def test_detections_on_an_image_without_ground_truth_are_false_positives():
    # Image 1: exact match scored 0.5. Image 2: no instance, one detection scored 0.9.
    # Ranked: false positive, true positive -> AP 1/2 as in the ranking test above.
    ground_truth = np.where(squares_map() == 4, 1, 0)
    empty = np.zeros((8, 8), dtype=np.int64)
    predictions = [(ground_truth, np.array([0.5])), (np.ones_like(empty), np.array([0.9]))]

    assert mask_ap(predictions, [ground_truth, empty])['mask_ap'] == pytest.approx(0.5)


def test_no_predictions_score_zero():
    prediction = (np.zeros((8, 8), dtype=np.int64), np.zeros(0))
    result = mask_ap([prediction], [squares_map()])
    assert result == {'mask_ap': 0.0, 'mask_ap50': 0.0, 'mask_ap75': 0.0}


def test_ap_is_undefined_without_ground_truth_instances():
    prediction = ((squares_map() > 0).astype(np.int64), np.array([1.0]))
    result = mask_ap([prediction], [np.zeros((8, 8), dtype=np.int64)])
    assert all(math.isnan(value) for value in result.values())


def test_encode_instances_keeps_only_ids_with_pixels_and_their_scores():
    instance_map = np.zeros((4, 4), dtype=np.int32)
    instance_map[0, :] = 3
    instance_map[2:, 2:] = 1
    encoded = encode_instances(instance_map, np.array([0.1, 0.2, 0.3]))

    assert (encoded.height, encoded.width) == (4, 4)
    np.testing.assert_allclose(encoded.scores, [0.1, 0.3])
    decoded = mask_utils.decode(encoded.rles)
    np.testing.assert_array_equal(decoded[:, :, 0], instance_map == 1)
    np.testing.assert_array_equal(decoded[:, :, 1], instance_map == 3)


def test_inputs_are_validated():
    ground_truth = squares_map()
    with pytest.raises(ValueError, match='1..1'):
        mask_ap([(np.where(ground_truth > 0, 2, 0), np.array([1.0]))], [ground_truth])
    with pytest.raises(ValueError, match='ground truth 8x8'):
        mask_ap([(np.zeros((8, 9), dtype=np.int64), np.zeros(0))], [ground_truth])
    with pytest.raises(ValueError, match='1 predictions for 2 ground truths'):
        mask_ap([(ground_truth, np.ones(9))], [ground_truth, ground_truth])
    with pytest.raises(TypeError, match='integer'):
        mask_ap([(ground_truth.astype(float), np.ones(9))], [ground_truth])


def test_encoded_instances_decode_to_the_masks_of_their_ids():
    instance_map = np.zeros((5, 7), np.int64)
    instance_map[1:3, 1:4], instance_map[3:, 5:] = 4, 9
    masks = EncodedInstances.from_json(encode_instances(instance_map).to_json()).masks()
    assert masks.shape == (2, 5, 7) and masks.dtype == bool
    assert (masks[0] == (instance_map == 4)).all() and (masks[1] == (instance_map == 9)).all()
    assert EncodedInstances(5, 7, []).masks().shape == (0, 5, 7)
