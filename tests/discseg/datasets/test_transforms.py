"""Instance ground truth through loading, mmseg's geometric transforms and packing."""
import cv2
import numpy as np
import pytest
from mmseg.registry import TRANSFORMS

import discseg  # noqa: F401  (registers the transforms)


def write_png(path, array):
    assert cv2.imwrite(str(path), array)
    return str(path)


@pytest.fixture
def cityscapes_like_map(tmp_path):
    ids = np.zeros((6, 8), np.uint16)
    ids[:3, :4] = 26001
    ids[3:, 4:] = 26002
    ids[3:, :2] = 24
    return write_png(tmp_path / 'ids.png', ids), ids


def test_load_keeps_16bit_ids(cityscapes_like_map):
    path, ids = cityscapes_like_map
    load = TRANSFORMS.build(dict(type='LoadInstanceAnnotations', label_divisor=1000,
                                 thing_label_ids=[24, 26], require_16bit=True))
    results = load(dict(seg_map_path=path, seg_fields=[]))
    np.testing.assert_array_equal(results['gt_instance_map'], np.where(ids >= 1000, ids, 0))
    assert set(np.unique(results['gt_seg_map'])) == {0, 1, 2}
    assert {'gt_seg_map', 'gt_instance_map'} <= set(results['seg_fields'])


def test_eight_bit_map_rejected_when_16bit_needed(tmp_path):
    path = write_png(tmp_path / 'eight.png', np.zeros((4, 4), np.uint8))
    load = TRANSFORMS.build(dict(type='LoadInstanceAnnotations', require_16bit=True))
    with pytest.raises(ValueError, match=r'eight\.png.*16-bit'):
        load(dict(seg_map_path=path, seg_fields=[]))


@pytest.mark.parametrize('content,error,message', [
    (None, FileNotFoundError, 'cannot read'),
    (b'not a png', ValueError, 'not a PNG'),
    (b'\x89PNG\r\n\x1a\n truncated', FileNotFoundError, 'corrupt'),
])
def test_missing_or_corrupt_map_names_the_file(tmp_path, content, error, message):
    path = tmp_path / 'broken.png'
    if content is not None:
        path.write_bytes(content)
    load = TRANSFORMS.build(dict(type='LoadInstanceAnnotations'))
    with pytest.raises(error, match=rf'broken\.png.*{message}|{message}.*broken\.png'):
        load(dict(seg_map_path=str(path), seg_fields=[]))


def test_geometric_transforms_keep_ids_aligned_with_the_image(cityscapes_like_map):
    """The image encodes each pixel's id; after flip, rotation, resize and crop they must agree."""
    path, ids = cityscapes_like_map
    image = np.repeat((ids % 251).astype(np.uint8)[..., None], 3, axis=2)
    pipeline = [TRANSFORMS.build(t) for t in [
        dict(type='LoadInstanceAnnotations', label_divisor=1000, thing_label_ids=[24, 26]),
        dict(type='RandomFlip', prob=1.0, direction='horizontal'),
        dict(type='RandomRotate', prob=1.0, degree=(90, 90), seg_pad_val=0),
        dict(type='Resize', scale=(12, 16), keep_ratio=False, interpolation='nearest'),
        dict(type='RandomCrop', crop_size=(10, 10)),
        dict(type='PackInstanceInputs'),
    ]]
    results = dict(img=image, seg_map_path=path, seg_fields=[], img_shape=image.shape[:2],
                   ori_shape=image.shape[:2])
    for transform in pipeline:
        results = transform(results)
    packed_image = results['inputs'][0].numpy()
    instance_map = results['data_samples'].gt_instance_map.data[0].numpy()
    assert instance_map.dtype == np.int64 and instance_map.shape == packed_image.shape
    inside = instance_map > 0
    assert inside.any()
    np.testing.assert_array_equal(instance_map[inside] % 251, packed_image[inside])
