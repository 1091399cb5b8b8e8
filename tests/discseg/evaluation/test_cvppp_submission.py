"""The challenge's HDF5 submission file: layout, consecutive ids, and the metric that writes it."""
import h5py
import numpy as np
import pytest
import torch

from discseg.evaluation.cvppp_submission import (CVPPPSubmission, consecutive_ids,
                                                 read_submission, write_submission)


def test_consecutive_ids_keep_background_and_order():
    np.testing.assert_array_equal(consecutive_ids(np.array([[0, 40, 7], [7, 0, 300]])),
                                  [[0, 2, 1], [1, 0, 3]])
    np.testing.assert_array_equal(consecutive_ids(np.array([[5, 9]])), [[1, 2]])


def test_written_file_has_the_challenge_layout(tmp_path):
    predictions = {'plant007': np.array([[0, 12], [12, 30]]), 'plant003': np.zeros((2, 3), int)}
    path = write_submission(tmp_path / 'sub' / 'submission.h5', predictions)
    with h5py.File(path) as h5:
        assert list(h5) == ['A1'] and sorted(h5['A1']) == ['plant003', 'plant007']
        assert h5['A1/plant007/label'].dtype == np.uint8
    read = read_submission(path)
    np.testing.assert_array_equal(read['plant007'], [[0, 1], [1, 2]])
    np.testing.assert_array_equal(read['plant003'], np.zeros((2, 3)))
    assert not list(path.parent.glob('.*partial'))


def test_many_instances_need_16_bits(tmp_path):
    many = np.arange(300).reshape(15, 20)
    path = write_submission(tmp_path / 's.h5', {'plant001': many})
    assert read_submission(path)['plant001'].max() == 299


def test_float_maps_are_refused(tmp_path):
    with pytest.raises(ValueError, match='plant001'):
        write_submission(tmp_path / 's.h5', {'plant001': np.zeros((2, 2))})


def sample(plant, instance_map):
    return {'plant': plant, 'img_path': f'{plant}_rgb.png',
            'pred_instance_map': {'data': torch.as_tensor(instance_map)[None]}}


def test_metric_writes_every_plant(tmp_path):
    metric = CVPPPSubmission(output_file=str(tmp_path / 'out.h5'))
    metric.process({}, [sample('plant001', [[0, 3]]), sample('plant002', [[2, 2]])])
    assert metric.evaluate(2) == {'cvppp/submitted_plants': 2.0}
    assert sorted(read_submission(tmp_path / 'out.h5')) == ['plant001', 'plant002']


def test_metric_needs_plant_names_and_unique_ones(tmp_path):
    metric = CVPPPSubmission(output_file=str(tmp_path / 'out.h5'))
    unnamed = {'img_path': 'x.png', 'pred_instance_map': {'data': torch.zeros(1, 1, 1)}}
    with pytest.raises(KeyError, match='meta_keys'):
        metric.process({}, [unnamed])
    metric.process({}, [sample('plant001', [[1]]), sample('plant001', [[1]])])
    with pytest.raises(ValueError, match='unique'):
        metric.evaluate(2)
