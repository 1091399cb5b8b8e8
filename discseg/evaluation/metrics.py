"""MMEngine metric scoring predicted instance maps: CVPPP scores per image, COCO mask AP overall."""
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from mmengine.evaluator import BaseMetric
from mmseg.registry import METRICS
from torch import Tensor

from ..fileio import write_atomic
from .cvppp import as_label_map, difference_in_count, foreground_dice, symmetric_best_dice
from .mask_ap import EncodedInstances, encode_instances, mask_ap_from_encoded


def _label_map(sample: dict, key: str) -> np.ndarray:
    """The (H, W) map in ``sample[key]['data']``, a tensor of shape [1, H, W] or [H, W]."""
    data: Tensor = sample[key]['data']
    if data.ndim == 3 and data.shape[0] == 1:
        data = data[0]
    return as_label_map(data, f'{key} of {sample.get("img_path")}')


def score_image(img_path: str | None, pred: np.ndarray, gt: np.ndarray,
                prediction: EncodedInstances | None = None) -> dict:
    """One image's result as the metrics keep it: CVPPP scores of the (H, W) instance maps and,
    when the encoded, scored ``prediction`` is given, what mask AP needs.

    Every metric scoring instances (ours and the baselines') goes through this one function.
    """
    pred = as_label_map(pred, f'prediction of {img_path}')
    gt = as_label_map(gt, f'ground truth of {img_path}')
    if pred.shape != gt.shape:
        raise ValueError(f'{img_path}: prediction is {pred.shape[0]}x{pred.shape[1]} (HxW) but its '
                         f'ground truth is {gt.shape[0]}x{gt.shape[1]}')
    result = {
        'img_path': img_path,
        'sbd': symmetric_best_dice(pred, gt),
        'dic': difference_in_count(pred, gt),
        'fg_dice': foreground_dice(pred, gt),
    }
    if prediction is not None:
        result['prediction'] = prediction
        result['ground_truth'] = encode_instances(gt)
    return result


@METRICS.register_module()
class InstanceSegMetric(BaseMetric):
    """CVPPP leaf-segmentation scores and COCO mask AP of predicted instance maps.

    Each data sample (in the dict form the evaluator passes) must hold ``pred_instance_map`` and
    ``gt_instance_map`` (PixelData of ids, 0 = background) and, for AP, ``pred_instances.scores``
    (the confidence of instance k at index k - 1; ``labels`` are not read, every instance is of one
    class). Only scalar scores and RLE-encoded instances are kept per image, so results stay small
    when gathered across processes.

    ``compute_metrics`` returns fractions, not percentages: the means over images of SBD, DiC,
    |DiC| and foreground Dice, as the challenge reports them, and mask AP@[.50:.95] / AP@.50 pooled
    over the dataset. After evaluation ``per_image`` lists each image's ``img_path`` with its CVPPP
    scores; with ``per_image_file`` the metric also writes them, each with its encoded prediction
    (with ``compute_ap``), as JSON: the per-image tables and the intervals over images read it.

    Args:
        compute_ap: also compute mask AP (needs ``pred_instances.scores``).
        per_image_file: where to write the per-image scores and predictions (None: nowhere).
        collect_device: device used to gather results across processes, 'cpu' or 'gpu'.
        prefix: prefix of the metric names in the evaluator's output.
    """

    def __init__(self,
                 compute_ap: bool = True,
                 per_image_file: str | None = None,
                 collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.compute_ap = compute_ap
        self.per_image_file = per_image_file
        self.per_image: list[dict] = []

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Score each image of the batch and keep what dataset-level AP needs."""
        for sample in data_samples:
            pred = _label_map(sample, 'pred_instance_map')
            gt = _label_map(sample, 'gt_instance_map')
            prediction = None
            if self.compute_ap:
                scores = sample['pred_instances']['scores'].float().cpu().numpy()
                prediction = encode_instances(pred, scores)
            self.results.append(score_image(sample.get('img_path'), pred, gt, prediction))

    def compute_metrics(self, results: list[dict]) -> dict[str, float]:
        """Average the per-image scores and compute AP over all images at once."""
        dic = np.array([result['dic'] for result in results], dtype=np.float64)
        metrics = {
            'sbd': float(np.mean([result['sbd'] for result in results])),
            'dic': float(dic.mean()),
            'abs_dic': float(np.abs(dic).mean()),
            'fg_dice': float(np.mean([result['fg_dice'] for result in results])),
        }
        if self.compute_ap:
            ap = mask_ap_from_encoded([result['prediction'] for result in results],
                                      [result['ground_truth'] for result in results])
            metrics['mask_ap'] = ap['mask_ap']
            metrics['mask_ap50'] = ap['mask_ap50']
        self.per_image = [{key: result[key] for key in ('img_path', 'sbd', 'dic', 'fg_dice')}
                          for result in results]
        if self.per_image_file is not None:
            images = [{**image, 'prediction': result['prediction'].to_json()
                       if result.get('prediction') is not None else None}
                      for image, result in zip(self.per_image, results)]
            write_atomic(Path(self.per_image_file), json.dumps(images) + '\n')
        return metrics
