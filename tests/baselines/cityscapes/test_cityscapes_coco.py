"""The Mask R-CNN baseline's data: COCO JSON from the instanceIds PNGs, read by mmdetection."""
import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope
from pycocotools import mask as mask_utils

from baselines.cityscapes import convert_split, loader_options
from discseg.datasets.cityscapes import instance_ids_path
from discseg.synthetic.cityscapes_tree import write_cityscapes_tree

CONFIG = 'baselines/cityscapes/mask-rcnn_r50_fpn_1x_cityscapes.py'
SMOKE = 'baselines/cityscapes/mask-rcnn_r50_fpn_1xb1-1e_cityscapes-128x256.py'


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    root = tmp_path_factory.mktemp('cityscapes_coco')
    written = write_cityscapes_tree(root, {'val': 3}, crowd_probability=1.0)
    counts = convert_split(root, 'val', root / 'instances_val.json')
    return root, written['val'], counts


def test_every_instance_and_crowd_region_is_annotated(converted):
    root, gt_files, counts = converted
    ids = [cv2.imread(str(path), cv2.IMREAD_UNCHANGED) for path in gt_files]
    assert counts['images'] == 3
    assert counts['annotations'] - counts['crowd'] == sum(len(np.unique(i[i >= 1000])) for i in ids)
    assert counts['crowd'] == 3


def test_mmdetection_reads_the_same_masks(converted):
    import mmdet.datasets  # noqa: F401  (registers CityscapesDataset)
    from mmdet.registry import DATASETS

    root, gt_files, _ = converted
    with DefaultScope.overwrite_default_scope('mmdet'):  # leaves the other tests' scope alone
        dataset = DATASETS.build(dict(type='CityscapesDataset', data_root=str(root),
                                      ann_file='instances_val.json',
                                      data_prefix=dict(img='leftImg8bit/val/'), pipeline=[],
                                      test_mode=True))
    assert len(dataset) == len(gt_files)
    for index in range(len(dataset)):
        info = dataset.get_data_info(index)
        gt_file = instance_ids_path(info['img_path'])
        assert gt_file in gt_files
        ids = cv2.imread(str(gt_file), cv2.IMREAD_UNCHANGED)
        classes = dataset.metainfo['classes']
        for instance in info['instances']:
            mask = mask_utils.decode(instance['mask']).astype(bool)
            values = np.unique(ids[mask])
            assert len(values) == 1  # exactly one id: an instance, or one crowd region
            label_id = values[0] // 1000 if values[0] >= 1000 else values[0]
            assert classes[instance['bbox_label']] == {24: 'person', 26: 'car'}[label_id]
            assert instance['ignore_flag'] == int(values[0] < 1000)


def test_maskrcnn_config_is_the_recipe_with_our_metric():
    import discseg.evaluation.cityscapes  # noqa: F401  (registers the metric)
    from mmdet.registry import METRICS

    cfg = Config.fromfile(CONFIG)
    assert cfg.model.roi_head.mask_head.num_classes == 8
    assert cfg.train_dataloader.dataset.dataset.ann_file.endswith('instances_train.json')
    with DefaultScope.overwrite_default_scope('mmdet'):
        metric = METRICS.build(cfg.test_evaluator)
    assert type(metric).__name__ == 'CityscapesInstanceMetric'


@pytest.mark.parametrize('config', [CONFIG, SMOKE])
def test_loader_options_point_the_recipes_own_datasets_at_the_converted_splits(converted, config):
    """Every option names a key the recipe has (nothing is added beside mmdetection's datasets),
    and the loaders then read the converted files."""
    root = converted[0]
    cfg = Config.fromfile(config)
    options = loader_options(root, root)
    for option in options:
        parent, key = option.rsplit('.', 1)
        node = cfg
        for part in parent.split('.'):
            node = node[part]
        assert key in node, option
    cfg.merge_from_dict(options)
    assert cfg.train_dataloader.dataset.dataset.ann_file == str(root / 'instances_train.json')
    for loader in ('val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.ann_file == str(root / 'instances_val.json')
        assert cfg[loader].dataset.data_root == f'{root}/'


def test_smoke_config_is_the_recipe_at_its_own_scales():
    recipe, smoke = Config.fromfile(CONFIG), Config.fromfile(SMOKE)

    def without_scale(pipeline):
        return [{key: value for key, value in step.items() if key != 'scale'} for step in pipeline]

    train, test = (smoke.train_dataloader.dataset.dataset.pipeline,
                   smoke.test_dataloader.dataset.pipeline)
    assert without_scale(train) == without_scale(recipe.train_dataloader.dataset.dataset.pipeline)
    assert without_scale(test) == without_scale(recipe.test_dataloader.dataset.pipeline)
    assert [step.scale for step in train if 'scale' in step] == [smoke.train_scales]
    assert [step.scale for step in test if 'scale' in step] == [smoke.test_scale]
    assert smoke.val_dataloader.dataset.pipeline == test
