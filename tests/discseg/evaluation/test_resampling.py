"""Bootstrap intervals cover what they should, and resampled AP equals pycocotools' AP."""
import numpy as np
import pytest

from discseg.evaluation.mask_ap import encode_instances, mask_ap_from_encoded
from discseg.evaluation.resampling import (average_precision, bootstrap_indices, image_matches,
                                           mean_with_interval, percentile_interval)


def test_interval_of_a_known_distribution_covers_its_mean():
    """Means of 200 draws of N(3, 1): the 95 % interval of the mean is about 3 +- 0.14, and it
    covers the true mean in about 95 % of repeated experiments."""
    covered = 0
    for experiment in range(200):
        values = np.random.default_rng(experiment).normal(3.0, 1.0, size=200)
        means = values[bootstrap_indices(200, 500, seed=experiment)].mean(axis=1)
        low, high = percentile_interval(means)
        covered += low <= 3.0 <= high
        assert high - low == pytest.approx(2 * 1.96 / np.sqrt(200), rel=0.25)
    assert 0.90 <= covered / 200 <= 0.99


def test_interval_ignores_undefined_resamples_and_rejects_no_images():
    assert percentile_interval(np.array([np.nan, 1.0, 1.0])) == (1.0, 1.0)
    with pytest.raises(ValueError, match='0 images'):
        bootstrap_indices(0)


def test_mean_with_interval_of_per_image_differences():
    """A constant difference has no spread; N(0.3, 1) differences on 400 images: the mean, and an
    interval of about 0.3 +- 1.96 / sqrt(400) around it."""
    assert mean_with_interval(np.full(7, 0.25)) == (0.25, 0.25, 0.25)
    values = np.random.default_rng(1).normal(0.3, 1.0, size=400)
    mean, low, high = mean_with_interval(values)
    assert mean == pytest.approx(values.mean(), abs=1e-12)
    assert low < mean < high and low < 0.3 < high
    assert high - low == pytest.approx(2 * 1.96 / np.sqrt(400), rel=0.25)


def random_dataset(seed, num_images=12, size=32):
    """Ground truths of 0-4 square instances, predictions that shift, merge, miss and invent."""
    rng = np.random.default_rng(seed)
    predictions, ground_truths = [], []
    for _ in range(num_images):
        gt = np.zeros((size, size), np.int64)
        for k in range(rng.integers(0, 5)):
            y, x = rng.integers(0, size - 8, 2)
            gt[y:y + rng.integers(4, 9), x:x + rng.integers(4, 9)] = k + 1
        pred = np.roll(gt, rng.integers(-2, 3), axis=1)
        if rng.random() < 0.3:
            pred[pred == 2] = 1
        if rng.random() < 0.3:
            pred[rng.integers(0, size - 4):, :4] = pred.max() + 1
        ids = np.unique(pred[pred > 0])
        relabelled = np.searchsorted(ids, pred) + 1
        relabelled[pred == 0] = 0
        predictions.append(encode_instances(relabelled, rng.random(len(ids))))
        ground_truths.append(encode_instances(gt))
    return predictions, ground_truths


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_resampled_ap_equals_pycocotools_on_the_same_multiset(seed):
    predictions, ground_truths = random_dataset(seed)
    matches = image_matches(predictions, ground_truths)
    reference = mask_ap_from_encoded(predictions, ground_truths)
    assert average_precision(matches) == pytest.approx(
        (reference['mask_ap'], reference['mask_ap50']), abs=1e-12)
    indices = np.random.default_rng(seed).integers(0, len(predictions), len(predictions))
    repeated = mask_ap_from_encoded([predictions[i] for i in indices],
                                    [ground_truths[i] for i in indices])
    assert average_precision(matches, indices) == pytest.approx(
        (repeated['mask_ap'], repeated['mask_ap50']), abs=1e-12)


def test_ap_without_ground_truth_is_undefined():
    empty = encode_instances(np.zeros((8, 8), np.int64))
    prediction = encode_instances(np.ones((8, 8), np.int64), np.array([0.9]))
    matches = image_matches([prediction], [empty])
    assert np.isnan(average_precision(matches)).all()
