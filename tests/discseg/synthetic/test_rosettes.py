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


@pytest.fixture(scope='module')
def a1_like_sample():
    """20 plants drawn with the default configuration (the A1 size)."""
    return [generate_rosette(plant_rng(0, index)) for index in range(20)]


def test_default_plants_have_the_statistics_of_a1(a1_like_sample):
    # A1's training plants: 11-20 leaves (median 16), leaf areas about 150-7300 pixels (median
    # about 1900), the plant covers 4-41 % of the image (median 14 %), mean colour of plant pixels
    # about (106, 164, 36) and of the rest about (138, 88, 55). Ranges widened for 20 plants.
    counts = [plant.num_leaves for plant in a1_like_sample]
    assert min(counts) >= 11 and max(counts) <= 20 and 14 <= np.median(counts) <= 18
    areas = np.concatenate([np.bincount(plant.label.ravel())[1:] for plant in a1_like_sample])
    assert 1400 <= np.median(areas) <= 2600
    assert np.mean((areas >= 150) & (areas <= 7300)) >= 0.85
    coverage = [plant.fg.mean() for plant in a1_like_sample]
    assert min(coverage) >= 0.03 and max(coverage) <= 0.45 and 0.10 <= np.median(coverage) <= 0.18
    plant_colour = np.mean([plant.image[plant.fg].mean(0) for plant in a1_like_sample], 0)
    rest_colour = np.mean([plant.image[~plant.fg].mean(0) for plant in a1_like_sample], 0)
    np.testing.assert_allclose(plant_colour, [106, 164, 36], atol=12)
    np.testing.assert_allclose(rest_colour, [138, 88, 55], atol=12)


def test_default_plants_sit_in_a_pot_of_soil_on_a_tray(a1_like_sample):
    rows, cols = np.mgrid[:530, :500] + 0.5
    distance = np.hypot(rows - 265, cols - 250)
    pot_ring = (distance >= 0.3 * 500) & (distance <= 0.36 * 500)  # inside every pot
    with_moss = 0
    for plant in a1_like_sample:
        corners = np.concatenate([plant.image[:20, :20], plant.image[-20:, -20:]]).reshape(-1, 3)
        tray = corners.mean(0)
        assert tray[0] > 140 and tray[0] > tray[1] + 40 > tray[2] + 40  # red-orange
        ground = plant.image[pot_ring & ~plant.fg].astype(int)
        moss = ground[:, 1] > ground[:, 0] + 5  # greenish patches
        assert ground[~moss].sum(1).mean() < 0.8 * tray.sum()  # dark soil
        with_moss += moss.mean() > 0.01
    assert 0 < with_moss < len(a1_like_sample)  # sometimes


def test_default_plants_vary_in_colour_and_overlap_near_the_centre(a1_like_sample):
    plant_colours = np.array([plant.image[plant.fg].mean(0) for plant in a1_like_sample])
    assert plant_colours.std(0).min() > 3  # plants differ
    for plant in a1_like_sample:
        leaf_greens = [plant.image[plant.label == k, 1].mean() for k in range(1, plant.num_leaves + 1)]
        assert np.std(leaf_greens) > 3  # leaves of a plant differ
        rows, cols = np.nonzero(plant.fg)
        near_centre = (rows - rows.mean()) ** 2 + (cols - cols.mean()) ** 2 <= 15 ** 2
        assert len(np.unique(plant.label[rows[near_centre], cols[near_centre]])) >= 5


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


@pytest.mark.parametrize('kwargs,message', [
    (dict(num_leaves=(5, 3)), 'num_leaves'),
    (dict(reach=(0.5, 0.2)), 'reach'),
    (dict(youngest=0.0), 'youngest'),
    (dict(moss_probability=1.5), 'moss_probability'),
])
def test_bad_config_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RosetteConfig(**kwargs)
