"""The Cityscapes dataset over the official layout, and the generated tree the other tests use."""
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS

from discseg.datasets.cityscapes import (THING_CLASSES, THING_LABEL_IDS, CityscapesInstanceDataset,
                                         instance_ids_path)
from discseg.synthetic.cityscapes_tree import write_cityscapes_tree

LOAD = dict(type='LoadInstanceAnnotations', label_divisor=1000,
            thing_label_ids=list(THING_LABEL_IDS), require_16bit=True)


@pytest.fixture(scope='module')
def cityscapes_tree(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp('cityscapes')
    return root, write_cityscapes_tree(root, {'train': 5, 'val': 2}, crowd_probability=0.6)


def read(path) -> np.ndarray:
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)


def test_the_eight_evaluated_classes_and_their_label_ids():
    assert THING_CLASSES == ('person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle',
                             'bicycle')
    assert THING_LABEL_IDS == (24, 25, 26, 27, 28, 31, 32, 33)
    assert CityscapesInstanceDataset.METAINFO['classes'][0] == 'background'
    assert CityscapesInstanceDataset.METAINFO['label_ids'] == (0, *THING_LABEL_IDS)


def test_tree_uses_the_official_encoding(cityscapes_tree):
    root, written = cityscapes_tree
    all_ids = []
    for gt_file in written['train'] + written['val']:
        ids = read(gt_file)
        labels = read(str(gt_file).replace('instanceIds', 'labelIds'))
        assert ids.dtype == np.uint16 and labels.dtype == np.uint8
        np.testing.assert_array_equal(labels, np.where(ids >= 1000, ids // 1000, ids))
        instance_ids, sizes = np.unique(ids[ids >= 1000], return_counts=True)
        assert set(instance_ids // 1000) <= {24, 26}
        assert sizes.min() >= 100  # above the evaluation's minimum region size
        for label in np.unique(instance_ids // 1000):  # k from 0 per label (json2instanceImg)
            ks = np.sort(instance_ids[instance_ids // 1000 == label] % 1000)
            np.testing.assert_array_equal(ks, np.arange(len(ks)))
        all_ids.append(ids)
    stacked = np.concatenate([ids.ravel() for ids in all_ids])
    assert 26 in stacked  # a crowd region: car label, no instance
    assert 1 in stacked  # ego vehicle, void
    cities = {path.parent.name for path in written['train']}
    assert len(cities) == 2
    first = written['train'][0]
    image = read(root / 'leftImg8bit' / 'train' / first.parent.name
                 / first.name.replace('gtFine_instanceIds', 'leftImg8bit'))
    assert image.shape == (128, 256, 3)


def test_dataset_pairs_images_with_16bit_instance_maps(cityscapes_tree):
    root, written = cityscapes_tree
    init_default_scope('mmseg')
    dataset = DATASETS.build(dict(type='CityscapesInstanceDataset', data_root=str(root),
                                  split='train', pipeline=[LOAD]))
    assert len(dataset) == 5
    assert sorted(Path(dataset.get_data_info(i)['seg_map_path']) for i in range(5)) == \
        sorted(written['train'])
    crowd_seen = False
    for index in range(len(dataset)):
        info = dataset.get_data_info(index)
        assert instance_ids_path(info['img_path']) == Path(info['seg_map_path'])
        results = dataset[index]
        ids = read(info['seg_map_path'])
        instance_map, semantic = results['gt_instance_map'], results['gt_seg_map']
        np.testing.assert_array_equal(instance_map, np.where(ids >= 1000, ids, 0))
        expected = np.select([ids // 1000 == 24, ids // 1000 == 26, ids == 26], [1, 3, 3], 0)
        np.testing.assert_array_equal(semantic, expected)
        crowd_seen |= bool((ids == 26).any())
    assert crowd_seen


@pytest.mark.parametrize('data_root,split,missing', [
    ('nowhere', 'train', 'leftImg8bit/train'),
    (None, 'test', 'leftImg8bit/test'),
])
def test_wrong_root_or_missing_split_shows_the_layout(cityscapes_tree, tmp_path, data_root, split,
                                                      missing):
    root = tmp_path / data_root if data_root else cityscapes_tree[0]
    init_default_scope('mmseg')
    with pytest.raises(FileNotFoundError) as error:
        DATASETS.build(dict(type='CityscapesInstanceDataset', data_root=str(root), split=split,
                            pipeline=[]))
    assert missing in str(error.value)
    assert '<data_root>/gtFine/<split>/<city>/<city>_<seq>_<frame>_gtFine_instanceIds.png' \
        in str(error.value)


def test_image_without_ground_truth_is_reported(cityscapes_tree, tmp_path):
    root, written = cityscapes_tree
    copy = tmp_path / 'copy'
    for path in root.rglob('*.png'):
        if '/val/' in str(path) and path != written['val'][0]:
            target = copy / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    init_default_scope('mmseg')
    with pytest.raises(FileNotFoundError, match='1 instance maps missing'):
        DATASETS.build(dict(type='CityscapesInstanceDataset', data_root=str(copy), split='val',
                            pipeline=[]))


@pytest.mark.parametrize('move_ground_truth_too', [False, True])
def test_image_outside_a_city_folder_is_reported_as_such(cityscapes_tree, tmp_path,
                                                         move_ground_truth_too):
    root, written = cityscapes_tree
    copy = tmp_path / 'copy'
    shutil.copytree(root, copy)
    image = next((copy / 'leftImg8bit' / 'val').rglob('*_leftImg8bit.png'))
    image.rename(image.parent.parent / image.name)  # leftImg8bit/val/<name>, no city folder
    if move_ground_truth_too:  # found by the same relative path, yet still not the layout
        gt = copy / 'gtFine' / 'val' / image.parent.name / image.name.replace(
            'leftImg8bit', 'gtFine_instanceIds')
        gt.rename(gt.parent.parent / gt.name)
    init_default_scope('mmseg')
    with pytest.raises(FileNotFoundError, match=r'1 images are not in a city folder') as error:
        DATASETS.build(dict(type='CityscapesInstanceDataset', data_root=str(copy), split='val',
                            pipeline=[]))
    assert image.name in str(error.value) and 'instance maps missing' not in str(error.value)


def test_ground_truth_path_of_an_image():
    image = Path('/data/cs/leftImg8bit/val/lindau/lindau_000001_000019_leftImg8bit.png')
    assert instance_ids_path(image) == Path(
        '/data/cs/gtFine/val/lindau/lindau_000001_000019_gtFine_instanceIds.png')
    with pytest.raises(ValueError, match=r'image /data/cs/images/val/x\.png is not at .*the '
                                         r'official image layout'):
        instance_ids_path('/data/cs/images/val/x.png')
