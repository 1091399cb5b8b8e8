"""The one label-map reader: PNGs only, ids in 0..65535, colours numbered, sizes checked."""
import shutil

import cv2
import h5py
import numpy as np
import pytest
from mmseg.registry import TRANSFORMS
from PIL import Image

import discseg  # noqa: F401  (registers the transforms)
from discseg.datasets.cvppp import read_label
from discseg.datasets.label_maps import MAX_COLOURS, colours_to_ids, read_label_png


def four_squares() -> np.ndarray:
    """A 32x32 map of 4 ids (0 and 3 instances), with edges where JPEG rings."""
    ids = np.zeros((32, 32), np.uint8)
    ids[:13, 13:], ids[13:, :13], ids[13:, 13:] = 1, 2, 3  # 13: inside JPEG's 8x8 blocks
    return ids


def save_as_misnamed_jpeg(tmp_path, picture, name='plant001_label.png'):
    assert cv2.imwrite(str(tmp_path / 'lossy.jpg'), picture, [cv2.IMWRITE_JPEG_QUALITY, 75])
    path = tmp_path / name
    shutil.move(tmp_path / 'lossy.jpg', path)
    return path


def test_a_grey_jpeg_named_png_is_not_read_as_ids(tmp_path):
    path = save_as_misnamed_jpeg(tmp_path, four_squares() * 60)
    assert len(np.unique(cv2.imread(str(path), cv2.IMREAD_UNCHANGED))) > 4  # what it would give
    with pytest.raises(ValueError, match=r'plant001_label\.png is a JPEG file, not a PNG'):
        read_label_png(path)


def test_a_colour_jpeg_named_png_is_not_read_as_cvppp_leaves(tmp_path):
    colours = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
    path = save_as_misnamed_jpeg(tmp_path, colours[four_squares()])
    with pytest.raises(ValueError, match='JPEG'):
        read_label(str(path))


def test_a_colour_png_with_more_colours_than_a_label_map_is_an_error(tmp_path):
    noise = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / 'photo_label.png')
    assert len(np.unique(noise.reshape(-1, 3), axis=0)) > MAX_COLOURS
    with pytest.raises(ValueError, match=rf'photo_label\.png holds \d+ colours.*{MAX_COLOURS}'):
        read_label(str(tmp_path / 'photo_label.png'))


def test_a_16bit_colour_png_keeps_colours_that_differ_in_the_low_byte(tmp_path):
    """PIL keeps only the high byte of 16-bit channels: (1000, 2000, 3000) and (1001, ...) merge."""
    colours = np.array([[0, 0, 0], [1000, 2000, 3000], [1001, 2000, 3000], [65535, 0, 7]],
                       np.uint16)
    assert cv2.imwrite(str(tmp_path / 'deep_label.png'), colours[four_squares()][..., ::-1])
    ids = read_label(str(tmp_path / 'deep_label.png'))
    np.testing.assert_array_equal(ids, four_squares())  # increasing (R, G, B) order
    with pytest.raises(ValueError, match=r'deep_label\.png has 3 channels: expected a single'):
        read_label_png(tmp_path / 'deep_label.png')  # sticks, Cityscapes: ids, never colours


def test_colours_of_16bit_channels_are_numbered_without_collisions():
    # Packed with 8-bit shifts, (0, 1, 0) and (0, 0, 256) would both be 256.
    colours = np.array([[[0, 1, 0], [0, 0, 256]]], np.uint16)
    np.testing.assert_array_equal(colours_to_ids(colours), [[2, 1]])


@pytest.mark.parametrize('ids,found', [(-1, '-1..3'), (70000, '0..70000')])
def test_hdf5_ids_outside_the_uint16_range_are_errors_not_wrapped(tmp_path, ids, found):
    label = four_squares().astype(np.int32)
    label[0, 0] = ids
    with h5py.File(tmp_path / 'truth.h5', 'w') as h5:
        h5['A1/plant001/label'] = label
    with pytest.raises(ValueError, match=rf'truth\.h5::A1/plant001/label: ids must lie in '
                                         rf'0\.\.65535, found {found}'):
        read_label(f'{tmp_path / "truth.h5"}::A1/plant001/label')


def test_palette_png_gives_indices_for_every_dataset(tmp_path):
    image = Image.fromarray(four_squares(), mode='P')
    image.putpalette([0, 0, 0] + [255, 255, 255] * 255)
    image.save(tmp_path / 'palette.png')
    np.testing.assert_array_equal(read_label_png(tmp_path / 'palette.png'), four_squares())


def load_pair(tmp_path, image_shape, label_shape, loaders):
    assert cv2.imwrite(str(tmp_path / 'image.png'), np.zeros((*image_shape, 3), np.uint8))
    assert cv2.imwrite(str(tmp_path / 'label.png'), np.ones(label_shape, np.uint16))
    assert cv2.imwrite(str(tmp_path / 'fg.png'), np.ones(label_shape, np.uint8))
    pipeline = [TRANSFORMS.build(loader) for loader in loaders]
    results = dict(img_path=str(tmp_path / 'image.png'), seg_map_path=str(tmp_path / 'label.png'),
                   fg_path=str(tmp_path / 'fg.png'), seg_fields=[])
    for transform in pipeline:
        results = transform(results)
    return results


@pytest.mark.parametrize('loaders', [
    [dict(type='LoadImageFromFile'), dict(type='LoadInstanceAnnotations')],  # sticks, Cityscapes
    [dict(type='LoadCVPPPImage'), dict(type='LoadCVPPPAnnotations')],
], ids=['instance', 'cvppp'])
def test_a_label_map_of_another_size_than_its_image_is_an_error(tmp_path, loaders):
    assert load_pair(tmp_path, (8, 12), (8, 12), loaders)['gt_instance_map'].shape == (8, 12)
    with pytest.raises(ValueError, match=r'label\.png is 8x10 \(HxW\) but its image .*image\.png '
                                         r'is 8x12'):
        load_pair(tmp_path, (8, 12), (8, 10), loaders)


def test_a_cvppp_foreground_of_another_size_than_its_image_is_an_error(tmp_path):
    loaders = [dict(type='LoadCVPPPImage'), dict(type='LoadCVPPPAnnotations')]
    assert cv2.imwrite(str(tmp_path / 'image.png'), np.zeros((8, 12, 3), np.uint8))
    assert cv2.imwrite(str(tmp_path / 'fg.png'), np.ones((9, 12), np.uint8))
    pipeline = [TRANSFORMS.build(loader) for loader in loaders]
    results = dict(img_path=str(tmp_path / 'image.png'), seg_map_path=None,
                   fg_path=str(tmp_path / 'fg.png'))
    with pytest.raises(ValueError, match=r'fg\.png is 9x12'):
        for transform in pipeline:
            results = transform(results)
