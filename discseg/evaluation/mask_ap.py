"""COCO-style mask AP of instance label maps, computed by pycocotools' COCOeval.

COCOeval is the reference implementation of the metric (101-point interpolated precision, averaged
over IoU thresholds 0.50:0.05:0.95), so the maps are translated into in-memory COCO objects rather
than re-implementing the matching. One category is used: every instance counts as the same class.

Maps are first encoded as COCO run-length encodings (RLE). The encoded form is what an evaluator
should keep per image: it is small, picklable, and can be gathered across processes.
"""

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from ..instance_maps import encode_rles, instance_ids, instance_masks
from .cvppp import as_label_map

__all__ = ['EncodedInstances', 'coco_objects', 'encode_instances', 'mask_ap',
           'mask_ap_from_encoded']

CATEGORY_ID = 1


@dataclass(frozen=True)
class EncodedInstances:
    """The instances of one image as COCO RLEs, with a confidence per instance for predictions."""

    height: int
    width: int
    rles: list[dict]
    scores: np.ndarray | None = None

    def to_json(self) -> dict:
        """Plain JSON data (RLE counts as text), the form predictions are kept in on disk."""
        return {'height': self.height, 'width': self.width,
                'rles': [{'size': [int(n) for n in rle['size']],
                          'counts': rle['counts'].decode('ascii')
                          if isinstance(rle['counts'], bytes) else rle['counts']}
                         for rle in self.rles],
                'scores': None if self.scores is None else [float(v) for v in self.scores]}

    def masks(self) -> np.ndarray:
        """The decoded [K, H, W] boolean masks, in the order of ``rles`` (and ``scores``)."""
        if not self.rles:
            return np.zeros((0, self.height, self.width), dtype=bool)
        return mask_utils.decode(self.rles).transpose(2, 0, 1).astype(bool)

    @classmethod
    def from_json(cls, data: dict) -> 'EncodedInstances':
        rles = [{'size': rle['size'], 'counts': rle['counts'].encode('ascii')}
                for rle in data['rles']]
        scores = None if data['scores'] is None else np.asarray(data['scores'], np.float64)
        return cls(int(data['height']), int(data['width']), rles, scores)


def encode_instances(instance_map: np.ndarray,
                     scores: np.ndarray | None = None) -> EncodedInstances:
    """Encode every non-zero id of ``instance_map`` (see ``as_label_map``) as one RLE.

    Ground truths pass no ``scores`` and may use any non-zero ids. Predictions pass ``scores`` of
    length K and use ids 1..K, id k scored by ``scores[k - 1]``; an id with no pixel left in the map
    is not a detection and is dropped.
    """
    instance_map = as_label_map(instance_map, 'instance_map')
    ids = instance_ids(instance_map)

    instance_scores = None
    if scores is not None:
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim != 1:
            raise ValueError(f'scores must be 1-D, got shape {scores.shape}')
        if ids.size and (ids.min() < 1 or ids.max() > len(scores)):
            raise ValueError(f'predicted ids must lie in 1..{len(scores)} (one score per id), '
                             f'found ids from {ids.min()} to {ids.max()}')
        instance_scores = scores[ids - 1]

    height, width = instance_map.shape
    return EncodedInstances(height, width, encode_rles(instance_masks(instance_map, ids)),
                            instance_scores)


def _quiet_coco(images: list[dict], annotations: list[dict]) -> COCO:
    coco = COCO()
    coco.dataset = {
        'images': images,
        'categories': [{'id': CATEGORY_ID, 'name': 'instance'}],
        'annotations': annotations,
    }
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def _annotations(encoded_images: Sequence[EncodedInstances], with_scores: bool) -> list[dict]:
    annotations = []
    for image_id, encoded in enumerate(encoded_images, start=1):
        if not encoded.rles:
            continue
        areas = mask_utils.area(encoded.rles)
        boxes = mask_utils.toBbox(encoded.rles)
        for index, rle in enumerate(encoded.rles):
            annotation = {
                'image_id': image_id,
                'category_id': CATEGORY_ID,
                'segmentation': rle,
                'area': float(areas[index]),
                'bbox': boxes[index].tolist(),
                'iscrowd': 0,
            }
            if with_scores:
                annotation['score'] = float(encoded.scores[index])
            annotations.append(annotation)
    # COCOeval stores the id of the matched annotation and reads 0 as "unmatched": ids start at 1.
    for annotation_id, annotation in enumerate(annotations, start=1):
        annotation['id'] = annotation_id
    return annotations


def coco_objects(predictions: Sequence[EncodedInstances],
                 ground_truths: Sequence[EncodedInstances]) -> tuple[COCO, COCO]:
    """In-memory COCO ground truth and detections of encoded images (image ids 1..N in order)."""
    if len(predictions) != len(ground_truths):
        raise ValueError(f'{len(predictions)} predictions for {len(ground_truths)} ground truths')
    for index, (prediction, ground_truth) in enumerate(zip(predictions, ground_truths)):
        if prediction.scores is None:
            raise ValueError(f'prediction of image {index} has no scores')
        if (prediction.height, prediction.width) != (ground_truth.height, ground_truth.width):
            raise ValueError(f'image {index}: prediction is '
                             f'{prediction.height}x{prediction.width}, '
                             f'ground truth {ground_truth.height}x{ground_truth.width}')
    # Image ids follow the order of the inputs, as _annotations numbers them.
    images = [{'id': image_id, 'height': encoded.height, 'width': encoded.width}
              for image_id, encoded in enumerate(ground_truths, start=1)]
    return (_quiet_coco(images, _annotations(ground_truths, with_scores=False)),
            _quiet_coco(images, _annotations(predictions, with_scores=True)))


def mask_ap_from_encoded(predictions: Sequence[EncodedInstances],
                         ground_truths: Sequence[EncodedInstances]) -> dict[str, float]:
    """Mask AP over a dataset of encoded images; see :func:`mask_ap`."""
    coco_gt, coco_dt = coco_objects(predictions, ground_truths)
    evaluation = COCOeval(coco_gt, coco_dt, iouType='segm')
    with contextlib.redirect_stdout(io.StringIO()):
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    # COCOeval reports -1 where no ground-truth instance exists: AP is undefined there.
    ap, ap50, ap75 = (float(value) if value >= 0 else float('nan')
                      for value in evaluation.stats[:3])
    return {'mask_ap': ap, 'mask_ap50': ap50, 'mask_ap75': ap75}


def mask_ap(predictions: Sequence[tuple[np.ndarray, np.ndarray]],
            ground_truths: Sequence[np.ndarray]) -> dict[str, float]:
    """COCO mask AP@[.50:.95], AP@.50 and AP@.75 of predicted instance maps, as fractions.

    Args:
        predictions: per image, an (H, W) integer instance map (0 = background, ids 1..K) and the
            K scores, ``scores[k - 1]`` being the confidence of instance k.
        ground_truths: per image, an (H, W) integer instance map (0 = background, any other ids).

    Images without ground-truth instances still count their predictions as false positives. The
    values are NaN when no image has a ground-truth instance. COCOeval's default cap of 100
    detections per image applies (the highest-scoring ones are kept).
    """
    return mask_ap_from_encoded(
        [encode_instances(instance_map, scores) for instance_map, scores in predictions],
        [encode_instances(instance_map) for instance_map in ground_truths])
