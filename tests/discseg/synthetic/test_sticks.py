"""Scattered-sticks generator: geometry worked out by hand, painting order, determinism, files."""
import csv
import json
import math

import cv2
import numpy as np
import pytest
from pycocotools import mask as mask_utils

from discseg.synthetic.sticks import (Stick, SticksConfig, _draw_sticks, generate_sample, render,
                                      sample_rng, select_visible, stick_footprints, write_dataset)

# Width 12 and outline 2 around centre 128: the stick spans pixel centres 122.5 .. 133.5 across,
# i.e. rows 122..133, of which rows 122-123 and 132-133 are outline.
CONFIG = SticksConfig(image_size=256, width=12, outline=2)
SMALL = SticksConfig(image_size=64, num_sticks=(3, 5), width=4, outline=1, min_visible_area=20)
SPLITS = {'train': 4, 'val': 2, 'test': 2}
HORIZONTAL = Stick(x=128, y=128, length=100, angle=0.0)
VERTICAL = Stick(x=128, y=128, length=100, angle=math.pi / 2)


def _box(rows: slice, cols: slice, size: int = 256) -> np.ndarray:
    mask = np.zeros((size, size), dtype=bool)
    mask[rows, cols] = True
    return mask


def _files(root):
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob('*')) if path.is_file()}


@pytest.fixture(scope='module')
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp('sticks') / 'data'
    write_dataset(root, SMALL, SPLITS, seed=0, progress=False)
    return root


def test_default_width_is_a_twentieth_of_the_side():
    assert SticksConfig().width == 13
    assert SticksConfig(image_size=100).width == 5


@pytest.mark.parametrize('bad', [dict(num_sticks=(5, 4)), dict(num_sticks=(0, 3)),
                                 dict(length=(0.0, 0.5)), dict(width=4, outline=2),
                                 dict(min_visible_area=0)])
def test_config_rejects_impossible_values(bad):
    with pytest.raises(ValueError):
        SticksConfig(**bad)


def test_single_stick_geometry():
    image, instance_map = render([HORIZONTAL], CONFIG)
    stick = _box(slice(122, 134), slice(78, 178))  # 100 x 12 pixels
    fill = _box(slice(124, 132), slice(80, 176))  # 2 px outline all round
    np.testing.assert_array_equal(instance_map, stick.astype(np.uint16))
    assert instance_map.dtype == np.uint16 and image.dtype == np.uint8
    assert image.shape == (256, 256, 3)
    np.testing.assert_array_equal(image[..., 0] == 0, stick & ~fill)
    assert (image == image[..., :1]).all()  # gray
    assert (image[~stick] == 255).all()
    assert np.count_nonzero(image[..., 0] == 0) == 1200 - 96 * 8


def test_rotating_a_quarter_turn_transposes():
    _, horizontal = render([HORIZONTAL], CONFIG)
    _, vertical = render([VERTICAL], CONFIG)
    np.testing.assert_array_equal(vertical, horizontal.T)


def test_later_stick_occludes_earlier_one():
    image, instance_map = render([HORIZONTAL, VERTICAL], CONFIG)
    crossing = _box(slice(122, 134), slice(122, 134))
    assert (instance_map[crossing] == 2).all()
    assert np.count_nonzero(instance_map == 1) == 1200 - 12 * 12
    assert np.count_nonzero(instance_map == 2) == 1200
    gray = image[..., 0]
    assert gray[122, 127] == 255  # the horizontal stick's outline, under the vertical one's fill
    assert gray[127, 122] == 0  # the vertical stick's outline, on top
    assert gray[122, 100] == 0 and gray[127, 100] == 255  # the horizontal one, off the crossing

    _, swapped = render([VERTICAL, HORIZONTAL], CONFIG)
    assert (swapped[crossing] == 2).all()
    assert np.count_nonzero(swapped == 1) == 1200 - 12 * 12


def test_sticks_are_cut_by_the_border_without_an_outline_there():
    image, instance_map = render([Stick(x=0, y=128, length=100, angle=0.0)], CONFIG)
    np.testing.assert_array_equal(instance_map, _box(slice(122, 134), slice(0, 50)))
    assert (image[124:132, 0] == 255).all()  # the cut end shows fill, not outline
    assert (image[124:132, 48:50] == 0).all()  # the real end is outlined


def test_footprints_are_unoccluded_and_clipped():
    inside, outline = stick_footprints([HORIZONTAL, VERTICAL, Stick(250, 5, 100, 0.0)], CONFIG)
    assert inside.shape == outline.shape == (3, 256, 256)
    assert inside.sum(axis=(1, 2)).tolist() == [1200, 1200, 56 * 11]  # cols 200-255, rows 0-10
    assert not (outline & ~inside).any()


def test_select_visible_removes_the_least_visible_first():
    # Three horizontal sticks on one centre, lengths 100, 60, 50 (1200, 720, 600 px), painted in
    # that order: visible 480, 120 and 600. With a minimum of 500, removing the 60 first uncovers
    # the 100 (now 1200 - 600 = 600 visible), so only the 60 goes; removing every stick below the
    # minimum at once would have lost the 100 too.
    sticks = [Stick(128, 128, length, 0.0) for length in (100, 60, 50)]
    inside, _ = stick_footprints(sticks, CONFIG)
    assert inside.sum(axis=(1, 2)).tolist() == [1200, 720, 600]
    assert select_visible(inside, 500).tolist() == [0, 2]
    assert select_visible(inside, 1201).tolist() == []


def _paint_naively(inside: np.ndarray) -> np.ndarray:
    instance_map = np.zeros(inside.shape[1:], dtype=np.uint16)
    for k, mask in enumerate(inside):
        instance_map[mask] = k + 1
    return instance_map


def _box_iou_naive(a: np.ndarray, b: np.ndarray) -> float:
    (ya, xa), (yb, xb) = np.nonzero(a), np.nonzero(b)
    inter_w = max(0, min(xa.max(), xb.max()) - max(xa.min(), xb.min()) + 1)
    inter_h = max(0, min(ya.max(), yb.max()) - max(ya.min(), yb.min()) + 1)
    area_a = (np.ptp(xa) + 1) * (np.ptp(ya) + 1)
    area_b = (np.ptp(xb) + 1) * (np.ptp(yb) + 1)
    return inter_w * inter_h / (area_a + area_b - inter_w * inter_h)


@pytest.mark.parametrize('index', range(12))
def test_generated_samples_meet_the_config(index):
    config = SticksConfig()
    sample = generate_sample(sample_rng(7, 'train', index), config)
    instance_map, gray = sample.instance_map, sample.image[..., 0]
    count = len(sample.sticks)
    assert config.num_sticks[0] <= count <= config.num_sticks[1]
    assert np.unique(instance_map).tolist() == list(range(count + 1))  # ids consecutive
    assert (np.bincount(instance_map.ravel())[1:] >= config.min_visible_area).all()
    assert (sample.image == sample.image[..., :1]).all()
    assert set(np.unique(gray)) <= {0, 255}
    assert (gray[instance_map == 0] == 255).all()  # black only on sticks

    inside, _ = stick_footprints(sample.sticks, config)
    np.testing.assert_array_equal(instance_map, _paint_naively(inside))
    assert sample.hidden_fraction == pytest.approx(
        1 - np.count_nonzero(instance_map) / inside.sum())
    pairs = [(a, b) for a in range(count) for b in range(a + 1, count)]
    assert sample.num_crossings == sum((inside[a] & inside[b]).any() for a, b in pairs)
    assert sample.mean_box_iou == pytest.approx(np.mean(
        [_box_iou_naive(instance_map == a + 1, instance_map == b + 1) for a, b in pairs]))


def test_dense_configs_still_meet_the_constraints():
    # Long wide sticks on a small image often hide each other: pruning and redrawing must still
    # leave exactly the requested count, each stick visible enough.
    config = SticksConfig(image_size=64, num_sticks=(6, 6), width=8, length=(0.5, 0.9),
                          min_visible_area=150)
    for index in range(5):
        sample = generate_sample(sample_rng(0, 'train', index), config)
        assert len(sample.sticks) == 6
        assert (np.bincount(sample.instance_map.ravel())[1:] >= 150).all()


@pytest.mark.parametrize('seed', range(5))
def test_crossed_sticks_are_centred_on_an_earlier_stick_and_turned_across_it(seed):
    config = SticksConfig(image_size=128, num_sticks=(2, 2), crossing_fraction=1.0,
                          min_visible_area=1, outline=1)
    first, second = generate_sample(sample_rng(seed, 'train', 0), config).sticks
    along = (second.x - first.x) * math.cos(first.angle) + (second.y - first.y) * math.sin(first.angle)
    across = (second.y - first.y) * math.cos(first.angle) - (second.x - first.x) * math.sin(first.angle)
    assert abs(across) < 1e-9 and abs(along) <= 0.15 * first.length + 1e-9
    turn = (second.angle - first.angle) % math.pi
    assert math.pi / 6 <= turn <= 5 * math.pi / 6


def test_crossing_raises_box_overlap():
    def mean_box_iou(fraction):
        config = SticksConfig(image_size=128, num_sticks=(4, 6), crossing_fraction=fraction,
                              outline=1, min_visible_area=40)
        return np.mean([generate_sample(sample_rng(0, 'test', i), config).mean_box_iou
                        for i in range(30)])
    assert mean_box_iou(1.0) > 3 * mean_box_iou(0.0)


def test_impossible_config_raises():
    config = SticksConfig(image_size=32, num_sticks=(3, 3), width=4, outline=1,
                          min_visible_area=1000)
    with pytest.raises(RuntimeError, match='cannot be met'):
        generate_sample(np.random.default_rng(0), config)


def test_sample_rng_depends_on_seed_split_and_index_only():
    def first_draw(*key):
        return sample_rng(*key).random()

    assert first_draw(0, 'train', 3) == first_draw(0, 'train', 3)
    keys = [(0, 'train', 3), (1, 'train', 3), (0, 'val', 3), (0, 'train', 4), (0, 'test', 3)]
    assert len({first_draw(*key) for key in keys}) == len(keys)


def test_write_is_byte_identical_for_a_seed_and_differs_across_seeds(dataset, tmp_path):
    write_dataset(tmp_path / 'again', SMALL, SPLITS, seed=0, progress=False)
    write_dataset(tmp_path / 'other', SMALL, SPLITS, seed=1, progress=False)
    files, again, other = _files(dataset), _files(tmp_path / 'again'), _files(tmp_path / 'other')
    assert files == again
    assert files.keys() == other.keys()
    assert files['images/train/00000.png'] != other['images/train/00000.png']
    assert files['annotations/train.json'] != other['annotations/train.json']


def test_layout(dataset):
    expected = {'meta.json'}
    for split, size in SPLITS.items():
        expected |= {f'annotations/{split}.json', f'occlusion/{split}.csv',
                     f'annotations/{split}_occluded.json', f'annotations/{split}_separated.json'}
        expected |= {f'{kind}/{split}/{i:05d}.png' for kind in ('images', 'instances')
                     for i in range(size)}
    assert set(_files(dataset)) == expected
    assert not (dataset.parent / '.data.partial').exists()
    meta = json.loads((dataset / 'meta.json').read_text())
    assert meta['seed'] == 0 and meta['split_sizes'] == SPLITS
    assert SticksConfig(**meta['config']) == SMALL


def test_splits_differ(dataset):
    assert ((dataset / 'images/train/00000.png').read_bytes()
            != (dataset / 'images/val/00000.png').read_bytes())


def test_rewrite_is_a_no_op_and_a_different_dataset_is_refused(dataset, tmp_path):
    meta_mtime = (dataset / 'meta.json').stat().st_mtime_ns
    write_dataset(dataset, SMALL, SPLITS, seed=0, progress=False)
    assert (dataset / 'meta.json').stat().st_mtime_ns == meta_mtime
    with pytest.raises(FileExistsError, match='holds a sticks dataset'):
        write_dataset(dataset, SMALL, SPLITS, seed=1, progress=False)
    with pytest.raises(FileExistsError, match='holds a sticks dataset'):
        write_dataset(dataset, SticksConfig(image_size=64, width=4, outline=1), SPLITS,
                      progress=False)
    foreign = tmp_path / 'foreign'
    foreign.mkdir()
    (foreign / 'notes.txt').write_text('not a dataset')
    with pytest.raises(FileExistsError, match='no meta.json'):
        write_dataset(foreign, SMALL, SPLITS, progress=False)


def test_interrupted_write_is_redone(dataset, tmp_path):
    leftover = tmp_path / '.data.partial'
    (leftover / 'images').mkdir(parents=True)
    (leftover / 'images' / 'stale.png').write_bytes(b'half written')
    (tmp_path / 'data').mkdir()  # an empty root is fine
    write_dataset(tmp_path / 'data', SMALL, SPLITS, seed=0, progress=False)
    assert _files(tmp_path / 'data') == _files(dataset)
    assert not leftover.exists()


def test_pngs_round_trip(dataset):
    for split, size in SPLITS.items():
        for index in range(size):
            sample = generate_sample(sample_rng(0, split, index), SMALL)
            instances_path = dataset / 'instances' / split / f'{index:05d}.png'
            header = instances_path.read_bytes()[:26]
            assert header[24:26] == bytes([16, 0])  # IHDR: bit depth 16, gray
            instance_map = cv2.imread(str(instances_path), cv2.IMREAD_UNCHANGED)
            assert instance_map.dtype == np.uint16
            np.testing.assert_array_equal(instance_map, sample.instance_map)
            bgr = cv2.imread(str(dataset / 'images' / split / f'{index:05d}.png'))
            np.testing.assert_array_equal(bgr[..., ::-1], sample.image)


def test_occlusion_table(dataset):
    with open(dataset / 'occlusion' / 'train.csv', newline='') as f:
        rows = list(csv.DictReader(f))
    assert [row['file_name'] for row in rows] == [f'{i:05d}.png' for i in range(SPLITS['train'])]
    for index, row in enumerate(rows):
        sample = generate_sample(sample_rng(0, 'train', index), SMALL)
        assert int(row['num_sticks']) == len(sample.sticks)
        assert float(row['hidden_fraction']) == pytest.approx(sample.hidden_fraction, abs=1e-6)
        assert float(row['mean_box_iou']) == pytest.approx(sample.mean_box_iou, abs=1e-6)
        assert int(row['num_crossings']) == sample.num_crossings
        assert int(row['num_occluded']) == sample.tags.count('occluded')
        assert int(row['num_separated']) == sample.tags.count('separated')


def test_tag_lists_name_the_tagged_sticks_with_their_coco_annotation(dataset):
    coco = json.loads((dataset / 'annotations' / 'train.json').read_text())
    by_id = {annotation['id']: annotation for annotation in coco['annotations']}
    names = {image['id']: image['file_name'] for image in coco['images']}
    for tag in ('occluded', 'separated'):
        items = json.loads((dataset / 'annotations' / f'train_{tag}.json').read_text())
        for file_name, category, annotation_id, bbox, rle in items:
            annotation = by_id[annotation_id]
            assert names[annotation['image_id']] == file_name and category == 'stick'
            assert bbox == annotation['bbox'] and rle == annotation['segmentation']
            index = int(file_name[:5])
            sample = generate_sample(sample_rng(0, 'train', index), SMALL)
            first_id = min(a['id'] for a in coco['annotations'] if a['image_id'] == index + 1)
            assert sample.tags[annotation_id - first_id] == tag


def test_crossing_offset_moves_the_crossing_along_the_earlier_stick():
    middle = SticksConfig(image_size=128, num_sticks=(2, 2), width=6, outline=1,
                          min_visible_area=40, crossing_fraction=1.0, crossing_offset=(0.0, 0.0))
    end = SticksConfig(**{**middle.__dict__, 'crossing_offset': (0.45, 0.45)})
    for index in range(5):
        first, second = (_draw_sticks(sample_rng(3, 'test', index), config)
                         for config in (middle, end))  # before pruning, which may redraw
        # the same draws: only the crossing point moves, by 0.45 of the earlier stick's length
        assert first[0] == second[0] and first[1].angle == second[1].angle
        shift = np.hypot(second[1].x - first[1].x, second[1].y - first[1].y)
        assert shift == pytest.approx(0.45 * first[0].length)
    with pytest.raises(ValueError, match='crossing_offset'):
        SticksConfig(crossing_offset=(0.2, 0.6))


def _instance_maps(dataset, split):
    return [cv2.imread(str(dataset / 'instances' / split / f'{i:05d}.png'), cv2.IMREAD_UNCHANGED)
            for i in range(SPLITS[split])]


def test_coco_annotations_match_the_instance_maps(dataset):
    coco = json.loads((dataset / 'annotations' / 'val.json').read_text())
    assert coco['categories'] == [{'id': 1, 'name': 'stick'}]
    assert [image['file_name'] for image in coco['images']] == ['00000.png', '00001.png']
    annotation_ids = [ann['id'] for ann in coco['annotations']]
    assert len(set(annotation_ids)) == len(annotation_ids)
    for image, instance_map in zip(coco['images'], _instance_maps(dataset, 'val')):
        anns = [ann for ann in coco['annotations'] if ann['image_id'] == image['id']]
        assert len(anns) == instance_map.max()
        for instance_id, ann in enumerate(anns, start=1):
            mask = instance_map == instance_id
            rle = dict(ann['segmentation'], counts=ann['segmentation']['counts'].encode())
            np.testing.assert_array_equal(mask_utils.decode(rle), mask)
            rows, cols = np.nonzero(mask)
            assert ann['bbox'] == [cols.min(), rows.min(), np.ptp(cols) + 1, np.ptp(rows) + 1]
            assert ann['area'] == mask.sum()
            assert ann['category_id'] == 1 and ann['iscrowd'] == 0


def test_mmdetection_reads_the_coco_json(dataset):
    mmdet_datasets = pytest.importorskip('mmdet.datasets', reason='mmdetection is not installed')
    for split, size in SPLITS.items():
        coco = mmdet_datasets.CocoDataset(
            data_root=str(dataset), ann_file=f'annotations/{split}.json',
            data_prefix=dict(img=f'images/{split}/'), metainfo=dict(classes=('stick',)),
            test_mode=False, pipeline=[])
        assert len(coco) == size
        for index, instance_map in enumerate(_instance_maps(dataset, split)):
            info = coco.get_data_info(index)
            assert info['img_path'] == str(dataset / 'images' / split / f'{index:05d}.png')
            assert len(info['instances']) == instance_map.max()
            for instance_id, instance in enumerate(info['instances'], start=1):
                assert instance['bbox_label'] == 0
                mask = mask_utils.decode(dict(instance['mask'],
                                              counts=instance['mask']['counts'].encode()))
                np.testing.assert_array_equal(mask, instance_map == instance_id)
                rows, cols = np.nonzero(mask)
                assert instance['bbox'] == [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
