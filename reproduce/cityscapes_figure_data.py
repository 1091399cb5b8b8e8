"""The inputs of the Cityscapes figures: which val images Figure 6 shows, and what of their
predictions Figures 1 and 6 draw (``paper_figures.cityscapes`` draws them from these files alone).

Figure 6 takes the val images that cover the most instance classes, then the most instances;
Figure 1 the one with the most cars, cropped to them (the paper shows parked cars), with its
embeddings and the margins of the loss that trained them.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np

from discseg.datasets.cityscapes import THING_CLASSES, THING_LABEL_IDS
from discseg.datasets.label_maps import read_label_png

__all__ = ['choose_rows', 'write_figure_data']

CAR = THING_LABEL_IDS[THING_CLASSES.index('car')]


def choose_rows(gt_files: Sequence[Path], count: int) -> list[int]:
    """Val images for Figure 6, greedily covering the most instance classes, then instances."""
    ids = [read_label_png(path, require_16bit=True) for path in gt_files]
    classes = [set(np.unique(image[image >= 1000] // 1000).tolist()) for image in ids]
    counts = [len(np.unique(image[image >= 1000])) for image in ids]
    chosen, covered = [], set()
    for _ in range(min(count, len(ids))):
        best = max((i for i in range(len(ids)) if i not in chosen),
                   key=lambda i: (len(classes[i] - covered), counts[i]))
        chosen.append(best)
        covered |= classes[best]
    return chosen


def _crop_around(mask: np.ndarray) -> tuple[slice, slice]:
    """The bounding box of ``mask`` (the whole image when it is empty)."""
    if not mask.any():
        return np.s_[:, :]
    rows, cols = np.nonzero(mask)
    return np.s_[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def write_figure_data(samples: Iterable, out: Path, delta_v: float, delta_d: float) -> None:
    """Each predicted sample (with ``pred_embeddings`` kept) as Figure 6's row at half size
    (``examples/{input,ground_truth,ours}/``), and Figure 1's car crop as ``figure1.npz``."""
    most_cars = -1
    for sample in samples:
        name = Path(sample.img_path).name.replace('_leftImg8bit.png', '.png')
        image = cv2.imread(sample.img_path)
        gt = sample.gt_instance_map.data[0].numpy().astype(np.uint16)
        pred = sample.pred_instance_map.data[0].numpy().astype(np.uint16)
        half = (image.shape[1] // 2, image.shape[0] // 2)
        for kind, picture, interpolation in (('input', image, cv2.INTER_AREA),
                                             ('ground_truth', gt, cv2.INTER_NEAREST),
                                             ('ours', pred, cv2.INTER_NEAREST)):
            path = out / 'examples' / kind / name
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), cv2.resize(picture, half, interpolation=interpolation))
        cars = np.where(gt // 1000 == CAR, gt, 0)
        if len(np.unique(cars)) > most_cars:
            most_cars = len(np.unique(cars))
            crop = _crop_around(cars > 0)
            np.savez_compressed(
                out / 'figure1.npz', image=image[crop][..., ::-1], gt_instances=cars[crop],
                embeddings=sample.pred_embeddings.data[(slice(None), *crop)].half().numpy(),
                pred_instances=pred[crop], source=sample.img_path, delta_v=delta_v,
                delta_d=delta_d)
