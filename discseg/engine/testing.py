"""The one inference path: ``Runner.test()`` with a loop that times and a hook that keeps examples.

Every evaluation (ours and the baselines', every experiment) runs mmengine's ``Runner.test()``
with the config's ``test_evaluator``, so the numbers of all methods come from the same loop and
the same scoring code. Two things a comparison needs besides scores live here:

- :class:`TimedTestLoop`: milliseconds per image of the network and of the post-processing
  (clustering for ours) apart, as the paper's Table 4 separates them. A model that splits its
  ``predict`` into ``predict_outputs`` and ``segment_instances`` is timed in two parts; any other
  (a detector) as a whole, its own post-processing (NMS, mask pasting) counted as network time.
- :class:`SavePredictionsHook`: the predicted instance maps of the first images as 16-bit PNGs,
  for the figures; :class:`KeepOutputsHook`: every output in memory, for figures that need more
  of a prediction than its map (Figure 1's embeddings).
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.registry import HOOKS, LOOPS
from mmengine.runner import TestLoop

from ..instance_maps import instance_map_from_masks

__all__ = ['TEST_TIMING', 'KeepOutputsHook', 'SavePredictionsHook', 'TimedTestLoop',
           'predicted_instance_map']

TEST_TIMING = 'test_timing'  # message-hub key of the last test's timing


def _synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


@LOOPS.register_module()
class TimedTestLoop(TestLoop):
    """``TestLoop`` that also measures the median milliseconds per image of the network and of the
    post-processing; they are logged and kept in the message hub under ``TEST_TIMING``
    (``postprocess_ms`` is None for a model timed as a whole).

    The data preprocessor (normalisation, batching) is not timed; at batch size 1 the times are
    per image, otherwise per image of the batch.
    """

    def run(self) -> dict:
        self._network_ms: list[float] = []
        self._postprocess_ms: list[float] = []
        metrics = super().run()
        timing = {'network_ms': statistics.median(self._network_ms) if self._network_ms else None,
                  'postprocess_ms': statistics.median(self._postprocess_ms)
                  if self._postprocess_ms else None,
                  'images': len(self.dataloader.dataset)}
        self.runner.message_hub.update_info(TEST_TIMING, timing)
        print_log(f'test timing (median ms per image): {timing}', logger='current')
        return metrics

    @torch.no_grad()
    def run_iter(self, idx: int, data_batch: dict) -> None:
        self.runner.call_hook('before_test_iter', batch_idx=idx, data_batch=data_batch)
        model = getattr(self.runner.model, 'module', self.runner.model)
        data = model.data_preprocessor(data_batch, False)
        device = data['inputs'].device if isinstance(data['inputs'], torch.Tensor) \
            else torch.device('cpu')
        two_part = hasattr(model, 'predict_outputs') and hasattr(model, 'segment_instances')
        _synchronize(device)
        start = time.perf_counter()
        if two_part:
            outputs = model.predict_outputs(data['inputs'], data['data_samples'])
        else:
            outputs = model.predict(data['inputs'], data['data_samples'])
        _synchronize(device)
        middle = time.perf_counter()
        if two_part:
            outputs = model.segment_instances(outputs)
            _synchronize(device)
            self._postprocess_ms.append(1000 * (time.perf_counter() - middle) / len(outputs))
        self._network_ms.append(1000 * (middle - start) / len(outputs))
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        self.runner.call_hook('after_test_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)


def predicted_instance_map(sample, score_threshold: float = 0.5) -> np.ndarray:
    """The (H, W) instance map a data sample predicts: ours as clustered, a detector's masks
    painted by score (:func:`~discseg.instance_maps.instance_map_from_masks`, as its metric does)."""
    if 'pred_instance_map' in sample:
        return sample.pred_instance_map.data[0].cpu().numpy()
    instance_map, _ = instance_map_from_masks(sample.pred_instances.masks,
                                              sample.pred_instances.scores, score_threshold)
    return instance_map


@HOOKS.register_module()
class SavePredictionsHook(Hook):
    """Write the predicted instance maps of the first ``num_images`` test images to ``out_dir``.

    Args:
        out_dir: folder of the PNGs (16-bit ids, 0 = background).
        num_images: how many images, in the test loader's order.
        name_key: the data sample's metainfo key that names the file: ``img_path`` gives the
            image's file name, any other key (e.g. CVPPP's ``plant``) ``<value>.png``.
        score_threshold: a detector's masks scoring below it are not painted (its metric's).
    """

    priority = 'LOW'

    def __init__(self, out_dir: str, num_images: int, name_key: str = 'img_path',
                 score_threshold: float = 0.5) -> None:
        self.out_dir = Path(out_dir)
        self.num_images = num_images
        self.name_key = name_key
        self.score_threshold = score_threshold
        self._saved = 0

    def before_test(self, runner) -> None:
        self._saved = 0

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        for sample in outputs or []:
            if self._saved >= self.num_images:
                return
            value = sample.metainfo[self.name_key]
            name = Path(value).name if self.name_key == 'img_path' else f'{value}.png'
            path = self.out_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            instance_map = predicted_instance_map(sample, self.score_threshold)
            if not cv2.imwrite(str(path), instance_map.astype(np.uint16)):
                raise OSError(f'could not write {path}')
            self._saved += 1


class KeepOutputsHook(Hook):
    """Keep the data samples the test loop predicts, on the CPU, in the loader's order.

    Registered on a runner as an instance (``runner.register_hook``) by code that reads
    ``outputs`` after ``runner.test()``; meant for a few images, as every output is kept whole.
    With several processes each keeps its own share.
    """

    priority = 'LOW'

    def __init__(self) -> None:
        self.outputs: list = []

    def before_test(self, runner) -> None:
        self.outputs = []

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self.outputs.extend(sample.cpu() for sample in outputs or [])
