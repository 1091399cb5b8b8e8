"""A tiny Cityscapes tree for tests: the official layout and id encoding, with shapes for objects.

Each image is a street drawn in flat colours (sky, building, road, and an ego-vehicle strip that
is void, as at the bottom of real Cityscapes frames) with cars as boxes and persons as upright
ellipses placed side by side without overlap, so every instance keeps the area it was drawn with.
Some images also hold a crowd region ("car group"): the car colour on screen, the plain label id
26 in ``*_instanceIds.png``, so the official evaluation ignores predictions on it.

Ids follow ``cityscapesscripts``' ``json2instanceImg``: instance ``k`` (from 0) of label ``l`` is
``l * 1000 + k``, crowd regions and stuff keep ``l``. Written::

    root/leftImg8bit/<split>/<city>/<city>_<seq:06d>_000019_leftImg8bit.png      RGB
    root/gtFine/<split>/<city>/<city>_<seq:06d>_000019_gtFine_instanceIds.png   uint16
    root/gtFine/<split>/<city>/<city>_<seq:06d>_000019_gtFine_labelIds.png      uint8
"""
from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import cv2
import numpy as np
from cityscapesscripts.helpers.labels import name2label

__all__ = ['CITIES', 'DEFAULT_SPLIT_SIZES', 'write_cityscapes_tree']

CITIES: Mapping[str, tuple[str, ...]] = MappingProxyType({'train': ('aachen', 'bochum'),
                                                          'val': ('frankfurt', 'lindau'),
                                                          'test': ('berlin', 'bielefeld')})
DEFAULT_SPLIT_SIZES: Mapping[str, int] = MappingProxyType({'train': 4, 'val': 2})
_BACKGROUND = (('sky', 0.0), ('building', 0.3), ('road', 0.6), ('ego vehicle', 0.92))
_FRAME = 19  # real file names carry the annotated frame of a 30-frame snippet: ..._000019_...


def _draw_street(height: int, width: int) -> np.ndarray:
    """Label ids of the background: horizontal bands from the top (``_BACKGROUND``)."""
    label_ids = np.zeros((height, width), np.uint16)
    for name, top in _BACKGROUND:
        label_ids[int(top * height):] = name2label[name].id
    return label_ids


def _draw_objects(ids: np.ndarray, rng: np.random.Generator, num_objects: int,
                  with_crowd: bool) -> None:
    """Paint cars, persons and at most one crowd region into disjoint slots along the road."""
    height, width = ids.shape
    slot_width = width // (num_objects + with_crowd)
    kinds = ['car' if rng.random() < 0.6 else 'person' for _ in range(num_objects)]
    kinds += ['crowd'] * with_crowd
    counts = {'car': 0, 'person': 0}
    for slot, kind in enumerate(rng.permutation(kinds)):
        left = slot * slot_width + 1
        bottom = int(rng.uniform(0.75, 0.9) * height)
        if kind == 'person':
            axes = (int(slot_width * rng.uniform(0.15, 0.25)),
                    int(height * rng.uniform(0.15, 0.22)))
            centre = (left + slot_width // 2, bottom - axes[1])
            mask = cv2.ellipse(np.zeros_like(ids, np.uint8), centre, axes, 0, 0, 360, 1, -1) > 0
        else:
            box_width = int(slot_width * rng.uniform(0.6, 0.9))
            box_height = int(box_width * rng.uniform(0.45, 0.6))
            mask = np.zeros_like(ids, bool)
            mask[bottom - box_height:bottom, left:left + box_width] = True
        label_id = name2label['car' if kind == 'crowd' else kind].id
        if kind == 'crowd':
            ids[mask] = label_id
        else:
            ids[mask] = label_id * 1000 + counts[kind]
            counts[kind] += 1


def _render(ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """BGR image: each label's Cityscapes colour, instances shaded apart, plus sensor noise."""
    label_ids = np.where(ids >= 1000, ids // 1000, ids)
    palette = np.zeros((256, 3), np.float32)
    for name in ('sky', 'building', 'road', 'ego vehicle', 'car', 'person'):
        palette[name2label[name].id] = name2label[name].color[::-1]
    image = palette[label_ids]
    shade = 0.7 + 0.3 * ((ids % 1000) % 3) / 2  # neighbouring instances differ in brightness
    image *= np.where(ids >= 1000, shade, 1.0)[..., None]
    image += rng.normal(0, 6, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def write_cityscapes_tree(root: str | Path,
                          split_sizes: Mapping[str, int] = DEFAULT_SPLIT_SIZES,
                          image_size: tuple[int, int] = (256, 128),
                          objects_per_image: tuple[int, int] = (2, 4),
                          crowd_probability: float = 0.5,
                          cities: Mapping[str, Sequence[str]] = CITIES,
                          seed: int = 0) -> dict[str, list[Path]]:
    """Write the tree under ``root``; return the ``*_gtFine_instanceIds.png`` files per split.

    Args:
        split_sizes: images per split, spread over the split's cities in turn.
        image_size: (width, height); Cityscapes' 2:1 aspect by default. At the default size each
            object covers several hundred pixels, above the evaluation's 100-pixel minimum.
        objects_per_image: inclusive range of cars and persons per image.
        crowd_probability: chance that an image also holds one crowd region.
        cities: the cities of each split (the file names start with them).
        seed: images depend on (seed, split, index) only.
    """
    width, height = image_size
    written = {}
    for split, size in split_sizes.items():
        written[split] = []
        for index in range(size):
            rng = np.random.default_rng([seed, zlib.crc32(split.encode()), index])
            city = cities[split][index % len(cities[split])]
            name = f'{city}_{index:06d}_{_FRAME:06d}'
            ids = _draw_street(height, width)
            num_objects = int(rng.integers(objects_per_image[0], objects_per_image[1] + 1))
            _draw_objects(ids, rng, num_objects, bool(rng.random() < crowd_probability))
            image_dir = Path(root) / 'leftImg8bit' / split / city
            gt_dir = Path(root) / 'gtFine' / split / city
            image_dir.mkdir(parents=True, exist_ok=True)
            gt_dir.mkdir(parents=True, exist_ok=True)
            label_ids = np.where(ids >= 1000, ids // 1000, ids).astype(np.uint8)
            cv2.imwrite(str(image_dir / f'{name}_leftImg8bit.png'), _render(ids, rng))
            cv2.imwrite(str(gt_dir / f'{name}_gtFine_instanceIds.png'), ids)
            cv2.imwrite(str(gt_dir / f'{name}_gtFine_labelIds.png'), label_ids)
            written[split].append(gt_dir / f'{name}_gtFine_instanceIds.png')
    return written
