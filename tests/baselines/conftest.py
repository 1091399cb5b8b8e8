"""What every sticks detector's tests share: training a config a few iterations, and a hand-made
image of two crossed sticks with predictions whose scores are known by hand."""
from __future__ import annotations

from collections.abc import Callable
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
from reproduce.runner import load_config, with_run_hooks

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


def _train_a_few_iterations(config: str, data_root: Path, work_dir: Path,
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


@pytest.fixture(scope='session')
def train_a_few_iterations() -> Callable[..., tuple[Runner, object]]:
    """``(config, data_root, work_dir, options=None) -> (runner, cfg)``: 2 iterations of 2 images
    and one validation, through the same ``load_config`` and Runner as the driver."""
    return _train_a_few_iterations


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
