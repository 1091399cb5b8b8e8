"""The Mask2Former sticks baseline: mmdetection's model, trained and scored as Mask R-CNN is."""
from pathlib import Path

import pytest
import torch
from mmengine.registry import DefaultScope

from baselines.maskrcnn import MaskRCNNInstanceMetric
from discseg.datasets.label_maps import read_label_png
from reproduce.evaluate import evaluate, read_predictions
from reproduce.runner import training_record

CONFIG = 'baselines/mask2former/configs/mask2former_r18_1xb4-4k_sticks.py'
NUM_QUERIES = 20


@pytest.fixture(scope='module')
def trained(tiny_sticks, tmp_path_factory, train_a_few_iterations):
    work_dir = tmp_path_factory.mktemp('mask2former')
    runner, cfg = train_a_few_iterations(CONFIG, tiny_sticks, work_dir)
    return runner, cfg, work_dir


@pytest.fixture(scope='module')
def test_predictions(trained, tmp_path_factory):
    """The test split through the shared evaluation (``Runner.test()``), one example kept."""
    _, cfg, work_dir = trained
    out = tmp_path_factory.mktemp('mask2former_test')
    with DefaultScope.overwrite_default_scope('mmdet'):
        result = evaluate(cfg, training_record(work_dir, 2, 'sbd').best_checkpoint, out, examples=1)
    return result, out


@pytest.fixture(scope='module')
def model_output(trained):
    """The detector's own output for the first test image, in mmdetection's format."""
    runner, _, _ = trained
    with DefaultScope.overwrite_default_scope('mmdet'):
        batch = next(iter(runner.build_dataloader(runner.cfg.test_dataloader)))
        runner.model.eval()
        with torch.no_grad():
            return runner.model.test_step(batch)[0].pred_instances


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


def test_test_split_goes_through_the_shared_evaluation(test_predictions, tiny_sticks):
    result, out = test_predictions
    assert len(result['per_image']) == 4
    assert 0 <= result['metrics']['sbd'] <= 1
    assert result['network_ms'] > 0 and result['postprocess_ms'] is None  # timed as a whole
    predictions = read_predictions(out / 'per_image.json')
    first = sorted(predictions)[0]
    test_images = (tiny_sticks / 'images' / 'test').glob('*.png')
    assert sorted(predictions) == sorted(path.name for path in test_images)
    # Every mask kept for AP, at the image's size, each with a score.
    assert (predictions[first].height, predictions[first].width) == (64, 64)
    assert len(predictions[first].rles) == len(predictions[first].scores) == NUM_QUERIES
    example = read_label_png(out / 'examples' / first)
    assert example.shape == (64, 64)


def test_model_output_is_in_the_format_the_metric_reads(model_output):
    # Masks at the image's own size, boolean, each with a score: the metric's input.
    assert model_output.masks.shape[1:] == (64, 64)
    assert len(model_output) == NUM_QUERIES
    assert model_output.masks.dtype == torch.bool
    assert model_output.scores.shape == (len(model_output), )
    assert model_output.scores.is_floating_point()


def test_known_predictions_in_its_format_score_as_computed_by_hand(model_output,
                                                                    score_known_predictions):
    results = score_known_predictions(model_output)
    for name, (metrics, expected) in results.items():
        for key, value in expected.items():
            assert metrics[key] == pytest.approx(value), (name, key)
