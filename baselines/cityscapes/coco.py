"""Cityscapes instance ground truth -> COCO instance JSON, for mmdetection's ``CityscapesDataset``.

mmdetection's converter (``tools/dataset_converters/cityscapes.py``, not in its wheel) reads the
polygon files; this one reads ``*_gtFine_instanceIds.png``, the same files our method trains on
and the evaluation scores against, so both methods see identical instances. Per COCO's format
(cocodataset.org/#format-data): ``images`` (id, file_name, height, width), ``categories``
(id, name) and ``annotations`` (id, image_id, category_id, segmentation, area, bbox [x, y, w, h],
iscrowd). Masks are compressed RLE, exact where polygons would approximate. Crowd regions (a plain
label id of an instance class) become ``iscrowd=1`` annotations, which mmdetection ignores in
training, and categories are numbered 1..8 in ``THING_CLASSES`` order.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from discseg.datasets.cityscapes import (IMAGE_SUFFIX, INSTANCE_IDS_SUFFIX, LABEL_DIVISOR,
                                         THING_CLASSES, THING_LABEL_IDS)
from discseg.datasets.label_maps import read_label_png
from discseg.fileio import write_atomic
from discseg.instance_maps import coco_mask_fields, instance_masks

__all__ = ['convert_split', 'image_annotations', 'loader_options']

# mmdetection's recipe repeats its train set (a RepeatDataset around the CityscapesDataset).
_LOADERS = (('train_dataloader', 'dataset.dataset', 'train'), ('val_dataloader', 'dataset', 'val'),
            ('test_dataloader', 'dataset', 'val'))


def image_annotations(instance_ids: np.ndarray) -> list[dict]:
    """The COCO annotations (without ``id`` / ``image_id``) of one instance-id map."""
    ids = np.unique(instance_ids)
    label_ids = np.where(ids >= LABEL_DIVISOR, ids // LABEL_DIVISOR, ids)
    is_thing = np.isin(label_ids, THING_LABEL_IDS)
    ids, label_ids = ids[is_thing], label_ids[is_thing]
    return [{'category_id': THING_LABEL_IDS.index(int(label_id)) + 1, **fields,
             'iscrowd': int(instance_id < LABEL_DIVISOR)}
            for fields, instance_id, label_id in zip(
                coco_mask_fields(instance_masks(instance_ids, ids)), ids, label_ids)]


def convert_split(data_root: str | Path, split: str, out_file: str | Path) -> dict:
    """Write the COCO JSON of ``<data_root>/gtFine/<split>``; file names are relative to
    ``leftImg8bit/<split>/``. Returns counts of images and (crowd) annotations."""
    gt_dir = Path(data_root) / 'gtFine' / split
    gt_files = sorted(gt_dir.rglob(f'*{INSTANCE_IDS_SUFFIX}'))
    if not gt_files:
        raise FileNotFoundError(f'no *{INSTANCE_IDS_SUFFIX} under {gt_dir}')
    images, annotations = [], []
    for image_id, gt_file in enumerate(gt_files, start=1):
        instance_ids = read_label_png(gt_file, require_16bit=True)
        height, width = instance_ids.shape
        name = gt_file.name[:-len(INSTANCE_IDS_SUFFIX)] + IMAGE_SUFFIX
        images.append({'id': image_id, 'file_name': f'{gt_file.parent.name}/{name}',
                       'height': height, 'width': width})
        for annotation in image_annotations(instance_ids):
            annotations.append({'id': len(annotations) + 1, 'image_id': image_id, **annotation})
    categories = [{'id': index, 'name': name} for index, name in enumerate(THING_CLASSES, start=1)]
    write_atomic(out_file, json.dumps({'images': images, 'annotations': annotations,
                                       'categories': categories}))
    return {'images': len(images), 'annotations': len(annotations),
            'crowd': sum(a['iscrowd'] for a in annotations)}


def loader_options(data_root: str | Path, annotations: str | Path) -> dict[str, str]:
    """Config options that point mmdetection's Cityscapes loaders at ``data_root`` and at the
    ``instances_<split>.json`` files ``convert_split`` wrote into ``annotations`` (train trains,
    val validates and tests)."""
    return {option: value
            for loader, dataset, split in _LOADERS
            for option, value in ((f'{loader}.{dataset}.data_root', f'{data_root}/'),
                                  (f'{loader}.{dataset}.ann_file',
                                   str(Path(annotations) / f'instances_{split}.json')))}
