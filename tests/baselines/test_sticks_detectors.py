"""The three mmdetection baselines on the sticks: each config trains from scratch through mmengine's
Runner, validates with our metric, goes through the shared test evaluation, and hands the metric
masks in the format it reads. One contract, checked for every detector."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmengine.structures import InstanceData

from baselines.maskrcnn import MaskRCNNInstanceMetric
from discseg.datasets.label_maps import read_label_png
from reproduce.evaluate import evaluate, read_predictions
from reproduce.runner import load_config, training_record, with_run_hooks

# Two 3-pixel-wide sticks crossing at their middles in a 9 x 9 image: stick 2 (vertical, on top)
# keeps all 27 of its pixels, stick 1 (horizontal) the 18 outside the crossing.
CROSSED = np.zeros((9, 9), dtype=np.uint16)
CROSSED[3:6, :] = 1
CROSSED[:, 3:6] = 2
# Hand-computed scores of one mask covering both sticks (score 0.9): Dice with stick 1 is
# 2*18/(18+45) = 4/7 and with stick 2 2*27/(27+45) = 3/4, so BestDice(gt, pred) = (4/7 + 3/4)/2
# = 37/56 and BestDice(pred, gt) = 3/4: SBD = 37/56, DiC = 1 - 2 = -1. Its IoU with stick 2 is
# 27/45 = 0.6 >= 0.5, with stick 1 0.4: at IoU 0.5 one of two sticks is found at precision 1, and
# COCO's 101-point interpolation gives AP50 = 51/101.
MERGED_SBD = 37 / 56
MERGED_AP50 = 51 / 101


def train_a_few_iterations(config: str, data_root: Path, work_dir: Path,
                           options: dict | None = None) -> tuple[Runner, object]:
    """Train ``config`` 2 iterations of 2 images and validate once, as the driver runs it."""
    cfg = load_config(config, work_dir=work_dir, data_root=data_root, num_workers=0, options={
        'train_dataloader.batch_size': 2,
        'train_cfg.max_iters': 2,
        'train_cfg.val_interval': 2,
        'default_hooks.checkpoint.interval': 2,
        'default_hooks.logger.interval': 1,
        **(options or {}),
    })
    # The Runner makes 'mmdet' the process-wide default scope: restore it for the tests that follow.
    with DefaultScope.overwrite_default_scope('mmdet'):
        runner = Runner.from_cfg(with_run_hooks(cfg))
        runner.train()
    return runner, cfg


# (prediction, masks, scores, expected metrics): the ground truth itself, and one mask that merges
# both sticks (values above).
KNOWN_PREDICTIONS = [
    ('ground truth', np.stack([CROSSED == 1, CROSSED == 2]), [0.9, 0.8],
     {'sbd': 1.0, 'dic': 0.0, 'mask_ap': 1.0, 'mask_ap50': 1.0}),
    ('both sticks merged', (CROSSED > 0)[None], [0.9],
     {'sbd': MERGED_SBD, 'dic': -1.0, 'mask_ap50': MERGED_AP50}),
]


@pytest.fixture
def score_known_predictions(tmp_path) -> Callable[[InstanceData], dict]:
    """``model_output -> {prediction: metrics}``: :data:`KNOWN_PREDICTIONS` on the crossed sticks,
    each given as the tensors of ``model_output`` (a model's ``pred_instances``: same fields,
    dtypes and devices) and scored by the sticks metric against the ground-truth PNG, which it
    reads beside the image as for any sticks image."""
    for folder, image in (('images', np.full((9, 9, 3), 255, np.uint8)), ('instances', CROSSED)):
        (tmp_path / folder / 'val').mkdir(parents=True)
        cv2.imwrite(str(tmp_path / folder / 'val' / '00000.png'), image)
    img_path = str(tmp_path / 'images' / 'val' / '00000.png')

    def score(model_output: InstanceData) -> dict:
        results = {}
        for name, masks, scores, expected in KNOWN_PREDICTIONS:
            prediction = model_output.new(
                masks=torch.from_numpy(masks).to(model_output.masks),
                scores=torch.tensor(scores).to(model_output.scores),
                labels=torch.zeros(len(scores)).to(model_output.labels))
            sample = DetDataSample(metainfo=dict(img_path=img_path))
            sample.pred_instances = prediction
            evaluator = Evaluator(MaskRCNNInstanceMetric())
            evaluator.process([sample])
            results[name] = (evaluator.evaluate(1), expected)
        return results

    return score


@dataclass(frozen=True)
class Detector:
    config: str
    model_type: str
    # Attribute paths of the built model and their values: what makes it this recipe for one class.
    architecture: dict
    options: dict = field(default_factory=dict)
    # Masks per test image kept for AP, where the recipe fixes it (Mask2Former: every query).
    masks_per_image: int | None = None


DETECTORS = {
    'maskrcnn': Detector(
        'baselines/maskrcnn/configs/mask-rcnn_r18_fpn_gn-all_1xb4-4k_sticks.py', 'MaskRCNN',
        {'roi_head.mask_head.num_classes': 1, 'roi_head.bbox_head.num_classes': 1},
        # An untrained model returns the maximum number of detections: fewer keep the test quick.
        {'model.test_cfg.rpn.max_per_img': 50, 'model.test_cfg.rcnn.max_per_img': 10}),
    'mask2former': Detector(
        'baselines/mask2former/configs/mask2former_r18_1xb4-4k_sticks.py', 'Mask2Former',
        {'panoptic_head.num_queries': 20, 'panoptic_head.num_classes': 1},
        masks_per_image=20),
    'solov2': Detector(
        'baselines/solov2/configs/solov2_r18_fpn_1xb4-4k_sticks.py', 'SOLOv2',
        {'mask_head.num_classes': 1, 'mask_head.num_grids': [40, 36, 24, 16, 12]},
        # After 2 iterations no grid cell scores 0.1 (focal loss starts every cell at 0.01) and no
        # mask pixel reaches 0.5: with every threshold at 0, masks come out in the format the
        # metric reads (with none, SOLOv2 returns float masks of shape [0, H, W], which the metric
        # also takes).
        {'model.test_cfg.score_thr': 0.0, 'model.test_cfg.mask_thr': 0.0,
         'model.test_cfg.filter_thr': 0.0}),
}


@pytest.fixture(scope='module', params=list(DETECTORS))
def trained(request, tiny_sticks, tmp_path_factory):
    """``(detector, runner, cfg, work_dir)`` after 2 iterations and one validation."""
    detector = DETECTORS[request.param]
    work_dir = tmp_path_factory.mktemp(request.param)
    runner, cfg = train_a_few_iterations(detector.config, tiny_sticks, work_dir, detector.options)
    return detector, runner, cfg, work_dir


@pytest.fixture(scope='module')
def test_predictions(trained, tmp_path_factory):
    """The test split through the shared evaluation (``Runner.test()``), one example kept."""
    detector, _, cfg, work_dir = trained
    out = tmp_path_factory.mktemp('test_split')
    with DefaultScope.overwrite_default_scope('mmdet'):
        result = evaluate(cfg, training_record(work_dir, 2, 'sbd').best_checkpoint, out, examples=1)
    return detector, result, out


@pytest.fixture(scope='module')
def model_output(trained):
    """The detector's own output for the first test image, in mmdetection's format."""
    _, runner, _, _ = trained
    with DefaultScope.overwrite_default_scope('mmdet'):
        batch = next(iter(runner.build_dataloader(runner.cfg.test_dataloader)))
        runner.model.eval()
        with torch.no_grad():
            return runner.model.test_step(batch)[0].pred_instances


def test_config_trains_from_scratch_and_validates_with_our_metric(trained):
    detector, runner, _, work_dir = trained
    model = runner.model
    assert type(model).__name__ == detector.model_type
    assert isinstance(model.backbone.norm1, torch.nn.GroupNorm)
    for path, value in detector.architecture.items():
        assert attrgetter(path)(model) == value, path
    assert runner.train_dataloader.dataset.metainfo['classes'] == ('stick', )
    assert isinstance(runner.val_evaluator.metrics[0], MaskRCNNInstanceMetric)
    scalars = runner.message_hub.log_scalars
    for key in ('sbd', 'dic', 'abs_dic', 'fg_dice', 'mask_ap', 'mask_ap50'):
        assert f'val/{key}' in scalars, key
    assert 0 <= scalars['val/sbd'].current() <= 1
    assert Path(training_record(work_dir, 2, 'sbd').best_checkpoint).name == 'best_sbd_iter_2.pth'


def test_test_split_goes_through_the_shared_evaluation(test_predictions, tiny_sticks):
    detector, result, out = test_predictions
    assert len(result['per_image']) == 4
    assert 0 <= result['metrics']['sbd'] <= 1
    assert result['network_ms'] > 0 and result['postprocess_ms'] is None  # timed as a whole
    predictions = read_predictions(out / 'per_image.json')
    test_images = (tiny_sticks / 'images' / 'test').glob('*.png')
    assert sorted(predictions) == sorted(path.name for path in test_images)
    # Every mask kept for AP, at the image's size, each with a score.
    first = predictions[sorted(predictions)[0]]
    assert (first.height, first.width) == (64, 64)
    assert len(first.rles) == len(first.scores)
    if detector.masks_per_image is not None:
        assert len(first.rles) == detector.masks_per_image
    assert read_label_png(out / 'examples' / sorted(predictions)[0]).shape == (64, 64)


def test_model_output_is_in_the_format_the_metric_reads(model_output):
    # Masks at the image's own size, boolean, each with a score: the metric's input.
    assert len(model_output) > 0
    assert model_output.masks.shape[1:] == (64, 64)
    assert model_output.masks.dtype == torch.bool
    assert model_output.scores.shape == (len(model_output), )
    assert model_output.scores.is_floating_point()


def test_known_predictions_in_its_format_score_as_computed_by_hand(model_output,
                                                                    score_known_predictions):
    results = score_known_predictions(model_output)
    for name, (metrics, expected) in results.items():
        for key, value in expected.items():
            assert metrics[key] == pytest.approx(value), (name, key)
