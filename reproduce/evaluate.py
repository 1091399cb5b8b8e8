"""Test-set prediction for any trained model: timing of network and post-processing, and scores.

Both methods go through this one loop and their config's ``test_evaluator`` (which share the
scoring code), so their numbers are comparable. A model that exposes ``predict_outputs`` and
``segment_instances`` (ours) is timed in two parts; any other (Mask R-CNN) as a whole, its own
post-processing (NMS, mask pasting) included in the network time.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from .stages import log


def _synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def predict_and_score(cfg: Config, checkpoint: Path, keep: int = 0) -> dict:
    """Predict ``cfg.test_dataloader`` with ``checkpoint``; score with ``cfg.test_evaluator``.

    Returns the metrics, per-image scores, each image's encoded prediction (when the metric computes
    AP), median milliseconds per image of the network and the post-processing, and the data samples
    of the first ``keep`` images (for figures).
    """
    runner = Runner.from_cfg(cfg)
    runner.load_checkpoint(str(checkpoint), map_location='cpu')
    model = runner.model.eval()
    loader = runner.build_dataloader(cfg.test_dataloader)
    evaluator = runner.build_evaluator(cfg.test_evaluator)
    evaluator.dataset_meta = loader.dataset.metainfo
    two_part = hasattr(model, 'predict_outputs')
    network_ms, post_ms, kept = [], [], []
    total = len(loader)
    with torch.no_grad():
        for index, batch in enumerate(loader):
            data = model.data_preprocessor(batch, False)
            _synchronize()
            start = time.perf_counter()
            if two_part:
                samples = model.predict_outputs(data['inputs'], data['data_samples'])
                _synchronize()
                middle = time.perf_counter()
                samples = model.segment_instances(samples)
            else:
                samples = model.predict(data['inputs'], data['data_samples'])
                _synchronize()
                middle = time.perf_counter()
            _synchronize()
            end = time.perf_counter()
            images = len(samples)
            network_ms.append(1000 * (middle - start) / images)
            post_ms.append(1000 * (end - middle) / images)
            evaluator.process(data_samples=samples, data_batch=batch)
            if len(kept) < keep:
                kept.extend(s.cpu() for s in samples[:keep - len(kept)])
            if (index + 1) % max(1, total // 10) == 0 or index + 1 == total:
                log(f'  predicted {index + 1}/{total}')
    metric = evaluator.metrics[0]
    scores = evaluator.evaluate(len(loader.dataset))
    return {
        'metrics': scores,
        'per_image': metric.per_image,
        'predictions': metric.predictions,
        'network_ms': statistics.median(network_ms),
        'postprocess_ms': statistics.median(post_ms) if two_part else None,
        'samples': kept,
    }


def predicted_instance_map(sample) -> np.ndarray:
    """The (H, W) instance map a data sample shows: ours as predicted, a detector's masks painted
    by score as its metric paints them (:func:`~baselines.maskrcnn.instance_map_from_masks`)."""
    if 'pred_instance_map' in sample:
        return sample.pred_instance_map.data[0].numpy()
    from baselines.maskrcnn.convert import instance_map_from_masks
    instance_map, _ = instance_map_from_masks(sample.pred_instances.masks,
                                              sample.pred_instances.scores)
    return instance_map
