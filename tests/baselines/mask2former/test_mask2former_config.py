"""The Mask2Former sticks baseline: mmdetection's model, trained and scored as Mask R-CNN is."""
from pathlib import Path

import pytest
import torch
from mmengine.registry import DefaultScope

from baselines.maskrcnn import MaskRCNNInstanceMetric
from reproduce.evaluate import predict_and_score
from reproduce.runner import training_record

CONFIG = 'baselines/mask2former/configs/mask2former_r18_sticks.py'
NUM_QUERIES = 20


@pytest.fixture(scope='module')
def trained(tiny_sticks, tmp_path_factory, train_a_few_iterations):
    work_dir = tmp_path_factory.mktemp('mask2former')
    runner, cfg = train_a_few_iterations(CONFIG, tiny_sticks, work_dir)
    return runner, cfg, work_dir


@pytest.fixture(scope='module')
def test_predictions(trained):
    _, cfg, work_dir = trained
    with DefaultScope.overwrite_default_scope('mmdet'):
        return predict_and_score(cfg, Path(training_record(work_dir, 2, 'sbd').best_checkpoint), keep=1)


def test_config_trains_mmdetections_mask2former_from_scratch_with_our_metric(trained):
    runner, _, work_dir = trained
    model = runner.model
    assert type(model).__name__ == 'Mask2Former'
    assert isinstance(model.backbone.norm1, torch.nn.GroupNorm)
    assert model.panoptic_head.num_queries == NUM_QUERIES
    assert model.panoptic_head.num_classes == 1
    assert runner.train_dataloader.dataset.metainfo['classes'] == ('stick', )
    assert isinstance(runner.val_evaluator.metrics[0], MaskRCNNInstanceMetric)
    scalars = runner.message_hub.log_scalars
    for key in ('sbd', 'dic', 'abs_dic', 'fg_dice', 'mask_ap', 'mask_ap50'):
        assert f'val/{key}' in scalars, key
    assert Path(training_record(work_dir, 2, 'sbd').best_checkpoint).name == 'best_sbd_iter_2.pth'


def test_test_split_goes_through_the_shared_prediction_and_scoring(test_predictions, tiny_sticks):
    assert len(test_predictions['per_image']) == 4
    assert 0 <= test_predictions['metrics']['sbd'] <= 1
    instances = test_predictions['samples'][0].pred_instances
    # One mask per query, at the image's own size, boolean, each with a score: the metric's input.
    assert instances.masks.shape == (NUM_QUERIES, 64, 64)
    assert instances.masks.dtype == torch.bool
    assert instances.scores.shape == (NUM_QUERIES, )
    assert instances.scores.is_floating_point()


def test_known_predictions_in_its_format_score_as_computed_by_hand(test_predictions,
                                                                    score_known_predictions):
    results = score_known_predictions(test_predictions['samples'][0].pred_instances)
    for name, (metrics, expected) in results.items():
        for key, value in expected.items():
            assert metrics[key] == pytest.approx(value), (name, key)
