"""Synthetic rosettes: reproducible, consistent ground truth, both official layouts on disk."""
import json

import h5py
import numpy as np
import pytest
from PIL import Image

from discseg.synthetic.rosettes import (RosetteConfig, generate_rosette, label_palette, plant_rng,
                                        write_dataset)

SMALL = RosetteConfig(height=80, width=72, num_leaves=(4, 9))


def test_same_seed_same_plant_other_seed_other_plant():
    first, again = (generate_rosette(plant_rng(3, 5), SMALL) for _ in range(2))
    other = generate_rosette(plant_rng(4, 5), SMALL)
    np.testing.assert_array_equal(first.image, again.image)
    np.testing.assert_array_equal(first.label, again.label)
    assert not np.array_equal(first.label, other.label)


@pytest.mark.parametrize('index', range(5))
def test_ground_truth_is_consistent(index):
    plant = generate_rosette(plant_rng(0, index), SMALL)
    assert plant.image.shape == (80, 72, 3) and plant.image.dtype == np.uint8
    np.testing.assert_array_equal(plant.fg, plant.label > 0)
    ids, areas = np.unique(plant.label[plant.fg], return_counts=True)
    np.testing.assert_array_equal(ids, np.arange(1, plant.num_leaves + 1))  # consecutive
    assert 1 <= plant.num_leaves <= SMALL.num_leaves[1]  # hidden leaves are dropped
    assert areas.min() >= SMALL.min_visible_area
    leaves, soil = plant.image[plant.fg].mean(0), plant.image[~plant.fg].mean(0)
    assert leaves[1] > leaves[0] and soil[0] > soil[1]  # green plant on brown soil


def test_exact_leaf_count_is_honoured_when_nothing_is_hidden():
    plant = generate_rosette(plant_rng(0, 0), RosetteConfig(num_leaves=(15, 15)))
    assert plant.num_leaves == 15
    assert plant.image.shape == (530, 500, 3)  # the challenge's A1 size by default


def test_palette_is_distinct_with_black_background():
    palette = label_palette()
    assert palette.shape == (256, 3) and not palette[0].any()
    assert len(np.unique(palette, axis=0)) == 256


def test_png_layout_files(tmp_path):
    root = tmp_path / 'png'
    write_dataset(root, 'png', num_labelled=4, num_test=2, config=SMALL, seed=1)
    training = sorted(p.name for p in (root / 'training' / 'A1').iterdir())
    testing = sorted(p.name for p in (root / 'testing' / 'A1').iterdir())
    assert testing == ['plant001_fg.png', 'plant001_rgb.png', 'plant006_fg.png', 'plant006_rgb.png']
    assert len(training) == 12 and 'plant002_label.png' in training
    label = Image.open(root / 'training' / 'A1' / 'plant002_label.png')
    assert label.mode == 'P'
    meta = json.loads((root / 'rosettes.json').read_text())
    assert meta['seed'] == 1 and meta['num_labelled'] == 4 and meta['label_format'] == 'palette'


def test_hdf5_layout_files(tmp_path):
    root = tmp_path / 'h5'
    write_dataset(root, 'hdf5', num_labelled=3, num_test=1, config=SMALL, seed=1)
    with h5py.File(root / 'CVPPP2017_training_images.h5') as images, \
            h5py.File(root / 'CVPPP2017_training_truth.h5') as truth, \
            h5py.File(root / 'CVPPP2017_testing_images.h5') as testing:
        assert sorted(images['A1']) == sorted(truth['A1']) == ['plant002', 'plant003', 'plant004']
        assert list(testing['A1']) == ['plant001'] and set(testing['A1/plant001']) == {'rgb', 'fg'}
        assert images['A1/plant002/rgb'].shape == (80, 72, 4)  # RGBA, as the official files
        label = truth['A1/plant002/label'][()]
        assert int(truth['A1/plant002/count'][()]) == label.max()
        np.testing.assert_array_equal(images['A1/plant002/fg'][()] > 0, label > 0)


def test_rewrite_is_a_no_op_and_foreign_roots_are_refused(tmp_path):
    root = tmp_path / 'png'
    write_dataset(root, 'png', num_labelled=2, num_test=0, config=SMALL)
    stamp = (root / 'rosettes.json').stat().st_mtime_ns
    write_dataset(root, 'png', num_labelled=2, num_test=0, config=SMALL)
    assert (root / 'rosettes.json').stat().st_mtime_ns == stamp
    with pytest.raises(FileExistsError, match='not empty'):
        write_dataset(root, 'png', num_labelled=3, num_test=0, config=SMALL)


@pytest.mark.parametrize('kwargs,message', [
    (dict(layout='tiff'), 'layout'),
    (dict(label_format='jpeg'), 'label_format'),
    (dict(num_labelled=0, num_test=0), 'positive'),
])
def test_bad_arguments_are_refused(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        write_dataset(tmp_path / 'x', **{'config': SMALL, **kwargs})


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match='num_leaves'):
        RosetteConfig(num_leaves=(5, 3))
