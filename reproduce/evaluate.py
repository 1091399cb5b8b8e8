"""Test-set evaluation of any trained model: ``Runner.test()`` with timing, per-image scores and
examples.

Every method goes through mmengine's ``Runner.test()`` with :class:`~discseg.engine.TimedTestLoop`
and its config's ``test_evaluator`` (which share the scoring code), so their numbers are comparable:
the loop times network and post-processing, the metric writes the per-image scores and encoded
predictions, :class:`~discseg.engine.SavePredictionsHook` keeps the first predicted maps.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from mmengine.config import Config

from discseg.engine import TEST_TIMING
from discseg.evaluation.mask_ap import EncodedInstances

from .runner import build_runner

PER_IMAGE_FILE = 'per_image.json'


def evaluate(cfg: Config, checkpoint: str | Path, out_dir: Path, examples: int = 0,
             name_key: str = 'img_path', examples_dir: Path | None = None) -> dict:
    """Test ``checkpoint`` on ``cfg.test_dataloader``; write the per-image scores and predictions
    (``out_dir/per_image.json``) and the first ``examples`` predicted maps, named by ``name_key``
    (see :class:`~discseg.engine.SavePredictionsHook`), to ``examples_dir`` (default
    ``out_dir/examples``).

    Returns the metrics, the median milliseconds per image of the network and the post-processing,
    and each image's scores (``img_path``, ``sbd``, ``dic``, ``fg_dice``).
    """
    cfg = copy.deepcopy(cfg)
    cfg.load_from, cfg.resume = str(checkpoint), False
    cfg.test_cfg = dict(type='TimedTestLoop')
    per_image_file = Path(out_dir) / PER_IMAGE_FILE
    cfg.test_evaluator.per_image_file = str(per_image_file)
    if examples:
        cfg.custom_hooks = [*(cfg.get('custom_hooks') or []), dict(
            type='SavePredictionsHook', out_dir=str(examples_dir or Path(out_dir) / 'examples'),
            num_images=examples, name_key=name_key,
            score_threshold=cfg.test_evaluator.get('score_threshold', 0.5))]
    runner = build_runner(cfg)
    metrics = runner.test()
    timing = runner.message_hub.get_info(TEST_TIMING)
    images = json.loads(per_image_file.read_text())
    return {'metrics': metrics, 'network_ms': timing['network_ms'],
            'postprocess_ms': timing['postprocess_ms'],
            'per_image': [{key: image[key] for key in ('img_path', 'sbd', 'dic', 'fg_dice')}
                          for image in images]}


def read_predictions(per_image_file: str | Path) -> dict[str, EncodedInstances]:
    """The encoded predictions of an evaluation's ``per_image.json``, by image file name."""
    return {Path(image['img_path']).name: EncodedInstances.from_json(image['prediction'])
            for image in json.loads(Path(per_image_file).read_text())}
