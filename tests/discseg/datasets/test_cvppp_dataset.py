"""CVPPP data: both official layouts, every label encoding, the split, the errors, the pipelines."""
import shutil

import cv2
import h5py
import numpy as np
import pytest
from mmengine.config import Config
from mmseg.registry import DATASETS, TRANSFORMS
from PIL import Image

import discseg  # noqa: F401  (registers the dataset and transforms)
from discseg.datasets.cvppp import find_plants, read_fg, read_image, read_label, split_plants
from discseg.datasets.label_maps import colours_to_ids
from discseg.synthetic.rosettes import RosetteConfig, write_dataset

CONFIG = 'reproduce/configs/cvppp/discseg_r50-d8_1xb4-10k_cvppp-512x512.py'
# No moss: the alignment check of the training pipeline tells leaves from soil by colour.
SMALL = RosetteConfig(height=70, width=64, num_leaves=(4, 8), moss_probability=0.0)
VARIANTS = {'png_palette': ('png', 'palette'), 'png_colour': ('png', 'colour'),
            'png_grey': ('png', 'grey'), 'hdf5': ('hdf5', 'palette')}


@pytest.fixture(scope='module')
def roots(tmp_path_factory):
    """The same 6 labelled + 2 test plants in every layout and label encoding."""
    base = tmp_path_factory.mktemp('cvppp')
    for name, (layout, label_format) in VARIANTS.items():
        write_dataset(base / name, layout, num_labelled=6, num_test=2, config=SMALL, seed=2,
                      label_format=label_format)
    return {name: base / name for name in VARIANTS}


def same_partition(a, b):
    """Two id maps describe the same instances when their ids correspond one to one."""
    pairs = np.unique(np.stack([a.ravel(), b.ravel()]), axis=1)
    return len(pairs.T) == len(np.unique(a)) == len(np.unique(b))


@pytest.mark.parametrize('variant', [v for v in VARIANTS if v != 'png_grey'])
def test_every_layout_reads_the_same_plants(roots, variant):
    reference = find_plants(roots['png_grey'])
    plants = find_plants(roots[variant])
    assert list(plants) == list(reference) == [f'plant{i:03d}' for i in range(1, 9)]
    assert [p.name for p in plants.values() if p.label is None] == ['plant001', 'plant008']
    for name, plant in plants.items():
        np.testing.assert_array_equal(read_image(plant.rgb), read_image(reference[name].rgb))
        np.testing.assert_array_equal(read_fg(plant.fg), read_fg(reference[name].fg))
        if plant.label is not None:
            label, expected = read_label(plant.label), read_label(reference[name].label)
            assert same_partition(label, expected) and (label > 0).any()


def test_palette_labels_give_indices_not_colours(tmp_path):
    ids = np.array([[0, 0, 7], [3, 3, 7]], dtype=np.uint8)
    image = Image.fromarray(ids, mode='P')
    image.putpalette([0, 0, 0] + [255, 255, 255] * 255)  # every leaf drawn white
    image.save(tmp_path / 'plant001_label.png')
    np.testing.assert_array_equal(read_label(str(tmp_path / 'plant001_label.png')), ids)


def test_colours_become_ids_deterministically():
    colours = np.array([[[0, 0, 0], [9, 0, 0]], [[0, 0, 5], [9, 0, 0]]], dtype=np.uint8)
    np.testing.assert_array_equal(colours_to_ids(colours), [[0, 2], [1, 2]])  # by 0xRRGGBB
    np.testing.assert_array_equal(colours_to_ids(colours[1:, 1:]), [[1]])  # no black: no bg


def test_rgba_image_and_binary_fg(tmp_path):
    rgba = np.zeros((3, 4, 4), np.uint8)
    rgba[..., 1], rgba[..., 3] = 200, 255
    Image.fromarray(rgba, mode='RGBA').save(tmp_path / 'rgb.png')
    Image.fromarray(np.eye(3, 4, dtype=bool)).save(tmp_path / 'fg.png')  # mode '1'
    assert read_image(str(tmp_path / 'rgb.png')).shape == (3, 4, 3)
    np.testing.assert_array_equal(read_fg(str(tmp_path / 'fg.png')), np.eye(3, 4, dtype=bool))


def test_split_is_seeded_disjoint_and_complete(roots):
    plants = find_plants(roots['png_palette'])
    split = split_plants(plants, num_val=2, seed=0)
    assert split == split_plants(plants, num_val=2, seed=0)
    assert len(split['val']) == 2 and len(split['train']) == 4
    assert not set(split['train']) & set(split['val'])
    assert sorted(split['train'] + split['val']) == split['trainval']
    assert split['test'] == ['plant001', 'plant008']
    other_seeds = {tuple(split_plants(plants, num_val=2, seed=s)['val']) for s in range(1, 8)}
    assert len(other_seeds | {tuple(split['val'])}) > 1
    with pytest.raises(ValueError, match='num_val'):
        split_plants(plants, num_val=6)


@pytest.mark.parametrize('split,size', [('train', 4), ('val', 2), ('trainval', 6), ('test', 2)])
def test_dataset_splits(roots, split, size):
    dataset = DATASETS.build(dict(type='CVPPPDataset', data_root=str(roots['hdf5']), split=split,
                                  num_val=2, pipeline=[]))
    assert len(dataset) == size
    infos = [dataset.get_data_info(i) for i in range(size)]
    assert all((info['seg_map_path'] is None) == (split == 'test') for info in infos)
    assert all(info['fg_path'] for info in infos)


def rename_subset(root):
    for split in ('training', 'testing'):
        (root / split / 'A1').rename(root / split / 'B7')


@pytest.mark.parametrize('damage,message', [
    (lambda root: shutil.rmtree(root), 'is not a folder'),
    (lambda root: [shutil.rmtree(p) for p in root.iterdir() if p.is_dir()], 'no A1 plant'),
    (rename_subset, 'no A1 plant'),
    (lambda root: (root / 'training' / 'A1' / 'plant002_rgb.png').unlink(),
     r"without rgb: \['plant002'\]"),
    (lambda root: (root / 'testing' / 'A1' / 'plant001_fg.png').unlink(),
     r"neither label nor fg: \['plant001'\]"),
    (lambda root: (root / 'extra.h5').write_bytes(b''), 'both HDF5 files and PNG folders'),
])
def test_bad_data_roots_fail_with_the_expected_layout(roots, tmp_path, damage, message):
    root = tmp_path / 'root'
    shutil.copytree(roots['png_grey'], root)
    damage(root)
    with pytest.raises(FileNotFoundError, match=message) as error:
        DATASETS.build(dict(type='CVPPPDataset', data_root=str(root), split='train', num_val=2))
    assert 'plantNNN_label.png' in str(error.value) and 'A1/plantNNN/rgb' in str(error.value)


def test_unreadable_hdf5_file_is_reported(tmp_path):
    (tmp_path / 'CVPPP2017_training_images.h5').write_bytes(b'not hdf5')
    with pytest.raises(FileNotFoundError, match='not a readable HDF5 file'):
        find_plants(tmp_path)


def test_hdf5_plant_without_image_is_reported(roots, tmp_path):
    root = tmp_path / 'root'
    root.mkdir()
    shutil.copy(roots['hdf5'] / 'CVPPP2017_training_truth.h5', root)
    with pytest.raises(FileNotFoundError, match='without rgb'):
        find_plants(root)


def drop_from_hdf5(path, key):
    with h5py.File(path, 'a') as h5:
        del h5[key]


@pytest.mark.parametrize('key,message', [
    ('A1/plant003/label', r"training plants without a label: \['plant003'\].*"
                          r"CVPPP2017_training_images\.h5::A1/plant003/rgb"),
    ('A1', r'CVPPP2017_training_truth\.h5 has no A1 group'),
])
def test_missing_hdf5_labels_are_errors_not_test_plants(roots, tmp_path, key, message):
    root = tmp_path / 'root'
    shutil.copytree(roots['hdf5'], root)
    drop_from_hdf5(root / 'CVPPP2017_training_truth.h5', key)
    with pytest.raises(FileNotFoundError, match=message):
        find_plants(root)


def test_png_training_plant_without_label_and_test_plant_with_one_are_errors(roots, tmp_path):
    root = tmp_path / 'root'
    shutil.copytree(roots['png_grey'], root)
    (root / 'training' / 'A1' / 'plant002_label.png').rename(
        root / 'testing' / 'A1' / 'plant001_label.png')
    with pytest.raises(FileNotFoundError, match=r"without a label: \['plant002'\]; test plants "
                                                r"with one: \['plant001'\]"):
        find_plants(root)


def test_16bit_image_is_an_error_not_saturated(tmp_path):
    assert cv2.imwrite(str(tmp_path / 'plant001_rgb.png'), np.full((4, 4, 3), 30000, np.uint16))
    with pytest.raises(ValueError, match=r'plant001_rgb\.png: expected an 8-bit RGB\(A\) image, '
                                         r'got uint16'):
        read_image(str(tmp_path / 'plant001_rgb.png'))


def test_annotations_of_labelled_and_test_plants(roots):
    plants = find_plants(roots['hdf5'])
    load = TRANSFORMS.build(dict(type='LoadCVPPPAnnotations'))
    labelled = load(dict(seg_map_path=plants['plant002'].label, fg_path=plants['plant002'].fg))
    assert labelled['gt_instance_map'].dtype == np.uint16
    np.testing.assert_array_equal(labelled['gt_seg_map'], labelled['gt_instance_map'] > 0)
    assert labelled['seg_fields'] == ['gt_seg_map', 'gt_instance_map']
    test = load(dict(seg_map_path=None, fg_path=plants['plant001'].fg))
    assert 'gt_instance_map' not in test and test['seg_fields'] == ['gt_seg_map']
    np.testing.assert_array_equal(test['gt_seg_map'], read_fg(plants['plant001'].fg))


def test_image_channel_order(roots):
    path = find_plants(roots['png_colour'])['plant002'].rgb
    rgb = TRANSFORMS.build(dict(type='LoadCVPPPImage', channel_order='rgb'))({'img_path': path})
    bgr = TRANSFORMS.build(dict(type='LoadCVPPPImage'))({'img_path': path})
    np.testing.assert_array_equal(rgb['img'], bgr['img'][..., ::-1])
    assert rgb['ori_shape'] == (70, 64)


def test_coordinate_channels():
    image = np.full((3, 5, 3), 7, np.uint8)
    out = TRANSFORMS.build(dict(type='AddCoordinateChannels'))({'img': image})['img']
    assert out.shape == (3, 5, 5) and out.dtype == np.float32
    np.testing.assert_array_equal(out[..., :3], 7)
    np.testing.assert_allclose(out[0, :, 3], [-1, -0.5, 0, 0.5, 1])  # x along columns
    np.testing.assert_allclose(out[:, 0, 4], [-1, 0, 1])  # y along rows


def pipeline_output(pipeline, plant):
    results = dict(img_path=plant.rgb, seg_map_path=plant.label, fg_path=plant.fg,
                   plant=plant.name, seg_fields=[], reduce_zero_label=False)
    for transform in pipeline:
        results = TRANSFORMS.build(transform)(results)
    return results


def test_training_pipeline_of_the_config(roots):
    """512 x 512, 5 channels, coordinates untouched by the augmentation, targets aligned."""
    pipeline = Config.fromfile(CONFIG).train_pipeline
    plant = find_plants(roots['png_palette'])['plant003']
    for _ in range(3):  # random scale, rotation, crop and flip each time
        packed = pipeline_output(pipeline, plant)
        inputs, sample = packed['inputs'], packed['data_samples']
        assert inputs.shape == (5, 512, 512)
        np.testing.assert_allclose(inputs[3, 0, [0, -1]], [-1, 1])
        np.testing.assert_allclose(inputs[4, [0, -1], 0], [-1, 1])
        instances = sample.gt_instance_map.data[0]
        assert instances.shape == (512, 512) and instances.max() > 0
        # fg and labels agree in the rosettes, so any misalignment would show here
        np.testing.assert_array_equal(sample.gt_sem_seg.data[0].numpy(), instances.numpy() > 0)
        green_minus_red = (inputs[1] - inputs[0]).numpy()  # channels are RGB
        soil = (instances.numpy() == 0) & (inputs[:3].sum(0).numpy() > 0)  # not the padding
        assert (green_minus_red[instances.numpy() > 0] > 0).mean() > 0.95  # image and labels
        assert (green_minus_red[soil] < 0).mean() > 0.95  # stay aligned
        assert sample.plant == 'plant003'


def test_test_pipeline_keeps_ground_truth_at_the_original_size(roots):
    pipeline = Config.fromfile(CONFIG).test_pipeline
    plant = find_plants(roots['png_palette'])['plant001']  # a test plant: fg, no label
    packed = pipeline_output(pipeline, plant)
    assert packed['inputs'].shape == (5, 512, 512)
    assert packed['data_samples'].gt_sem_seg.data.shape == (1, 70, 64)
    assert 'gt_instance_map' not in packed['data_samples']
