"""The SOLOv2 sticks baseline: mmdetection's model, trained and scored as Mask R-CNN is."""
from pathlib import Path

import pytest
import torch
from mmengine.registry import DefaultScope

from baselines.maskrcnn import MaskRCNNInstanceMetric
from reproduce.evaluate import predict_and_score
from reproduce.runner import training_record

CONFIG = 'baselines/solov2/configs/solov2_r18_fpn_sticks.py'
# After 2 iterations no grid cell scores 0.1 (focal loss starts every cell at 0.01) and no mask
# pixel reaches 0.5: with every threshold at 0, masks come out in the format the metric reads
# (with none, SOLOv2 returns float masks of shape [0, H, W], which the metric also takes).
OPTIONS = {'model.test_cfg.score_thr': 0.0, 'model.test_cfg.mask_thr': 0.0,
           'model.test_cfg.filter_thr': 0.0}


@pytest.fixture(scope='module')
def trained(tiny_sticks, tmp_path_factory, train_a_few_iterations):
    work_dir = tmp_path_factory.mktemp('solov2')
    runner, cfg = train_a_few_iterations(CONFIG, tiny_sticks, work_dir, OPTIONS)
    return runner, cfg, work_dir


@pytest.fixture(scope='module')
def test_predictions(trained):
    _, cfg, work_dir = trained
    with DefaultScope.overwrite_default_scope('mmdet'):
        return predict_and_score(cfg, Path(training_record(work_dir, 2, 'sbd').best_checkpoint), keep=1)


def test_config_trains_mmdetections_solov2_from_scratch_with_our_metric(trained):
    runner, _, work_dir = trained
    model = runner.model
    assert type(model).__name__ == 'SOLOv2'
    assert isinstance(model.backbone.norm1, torch.nn.GroupNorm)
    assert model.mask_head.num_classes == 1
    assert model.mask_head.num_grids == [40, 36, 24, 16, 12]
    assert runner.train_dataloader.dataset.metainfo['classes'] == ('stick', )
    assert isinstance(runner.val_evaluator.metrics[0], MaskRCNNInstanceMetric)
    scalars = runner.message_hub.log_scalars
    for key in ('sbd', 'dic', 'abs_dic', 'fg_dice', 'mask_ap', 'mask_ap50'):
        assert f'val/{key}' in scalars, key
    assert Path(training_record(work_dir, 2, 'sbd').best_checkpoint).name == 'best_sbd_iter_2.pth'


def test_test_split_goes_through_the_shared_prediction_and_scoring(test_predictions):
    assert len(test_predictions['per_image']) == 4
    assert 0 <= test_predictions['metrics']['sbd'] <= 1
    instances = test_predictions['samples'][0].pred_instances
    # Masks at the image's own size, boolean, each with a score: the metric's input.
    assert len(instances) > 0
    assert instances.masks.shape[1:] == (64, 64)
    assert instances.masks.dtype == torch.bool
    assert instances.scores.shape == (len(instances), )
    assert instances.scores.is_floating_point()


def test_known_predictions_in_its_format_score_as_computed_by_hand(test_predictions,
                                                                    score_known_predictions):
    results = score_known_predictions(test_predictions['samples'][0].pred_instances)
    for name, (metrics, expected) in results.items():
        for key, value in expected.items():
            assert metrics[key] == pytest.approx(value), (name, key)
