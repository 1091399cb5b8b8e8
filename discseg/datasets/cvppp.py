"""The CVPPP Leaf Segmentation Challenge (A1) in either official layout, and a seeded split.

The challenge ships the same data as PNG folders and as HDF5 files. Both are found by
``find_plants``, which turns each plant into a ``Plant`` of *locators*: a PNG path, or
``'<file.h5>::<dataset key>'`` for an HDF5 dataset. ``read_image``, ``read_label`` and ``read_fg``
read any locator, so the rest of the pipeline never knows which layout it runs on.

Labels are instance ids with 0 = background. Releases store them as 8/16-bit ids, as palette PNGs
(the palette index is the id) or as colour images; colours become ids deterministically (black is
background, the other colours are numbered 1..K in increasing 0xRRGGBB order). Ids need not be
consecutive: the metric relabels. Label PNGs are read by ``label_maps.read_label_png``.

Test plants are those of the testing release (a folder or HDF5 file whose name holds "test"); they
must have the challenge's foreground mask, which the paper uses at test time, and no label. Every
other plant must have its label: a missing one is an error, never a plant moved to the test set.
"""
from __future__ import annotations

import os.path as osp
import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import h5py
import numpy as np
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS
from PIL import Image

from .label_maps import check_ids, colours_to_ids, read_label_png

__all__ = ['CVPPPDataset', 'LAYOUT', 'Plant', 'find_plants', 'read_fg', 'read_image', 'read_label',
           'split_plants']

H5_SEPARATOR = '::'
SPLITS = ('train', 'val', 'trainval', 'test')
FIELDS = ('rgb', 'label', 'fg')

LAYOUT = """\
PNG folders (an A1 folder at most two levels below the data root):
  <data_root>/training/A1/plantNNN_rgb.png     RGB(A) image
  <data_root>/training/A1/plantNNN_label.png   instance ids: grey ids, palette or colour PNG
  <data_root>/training/A1/plantNNN_fg.png      foreground mask (non-zero = plant)
  <data_root>/testing/A1/plantNNN_rgb.png      test images: rgb and fg, no label
  <data_root>/testing/A1/plantNNN_fg.png
or HDF5 files (any *.h5 directly in the data root; fields of one plant may be spread over files):
  <data_root>/CVPPP2017_training_images.h5     A1/plantNNN/rgb, A1/plantNNN/fg
  <data_root>/CVPPP2017_training_truth.h5      A1/plantNNN/label
  <data_root>/CVPPP2017_testing_images.h5      A1/plantNNN/rgb, A1/plantNNN/fg
Plants whose image is in a folder or file named *test* are the test set (rgb and fg, no label);
every other plant is labelled (train/val) and must have its label."""

_PNG_NAME = re.compile(r'^(?P<plant>.+)_(?P<field>rgb|label|fg)\.png$')


@dataclass(frozen=True)
class Plant:
    """Where one plant's image, label and foreground mask are; ``None`` where it has none."""

    name: str
    rgb: str
    label: str | None
    fg: str | None


def _layout_error(message: str) -> FileNotFoundError:
    return FileNotFoundError(f'{message}\nExpected layout:\n{LAYOUT}')


def _is_test_source(locator: str, root: Path) -> bool:
    """Whether an image comes from the testing release: a folder or HDF5 file named *test*."""
    path = Path(locator.split(H5_SEPARATOR, 1)[0]).relative_to(root)
    names = (path.stem,) if H5_SEPARATOR in locator else path.parent.parts
    return any('test' in name.lower() for name in names)


def _png_fields(root: Path, subset: str) -> dict[str, dict[str, str]]:
    fields: dict[str, dict[str, str]] = {}
    folders = sorted({*root.glob(subset), *root.glob(f'*/{subset}'), *root.glob(f'*/*/{subset}')})
    for folder in (f for f in folders if f.is_dir()):
        for path in sorted(folder.iterdir()):
            match = _PNG_NAME.match(path.name)
            if match is None:
                continue
            plant = fields.setdefault(match['plant'], {})
            if match['field'] in plant:
                raise _layout_error(f'{match["plant"]} {match["field"]} found twice: '
                                    f'{plant[match["field"]]} and {path}')
            plant[match['field']] = str(path)
    return fields


def _h5_fields(files: list[Path], subset: str) -> dict[str, dict[str, str]]:
    fields: dict[str, dict[str, str]] = {}
    for path in files:
        try:
            h5 = h5py.File(path, 'r')
        except OSError as error:
            raise _layout_error(f'{path} is not a readable HDF5 file ({error}).') from error
        with h5:
            group = h5.get(subset)
            if not isinstance(group, h5py.Group):
                raise _layout_error(f'{path} has no {subset} group (it holds {sorted(h5)}).')
            for name, plant_group in sorted(group.items()):
                plant = fields.setdefault(name, {})
                for field in FIELDS:
                    if field not in plant_group:
                        continue
                    if field in plant:
                        raise _layout_error(f'{subset}/{name}/{field} found in two files: '
                                            f'{plant[field]} and {path}')
                    plant[field] = f'{path}{H5_SEPARATOR}{subset}/{name}/{field}'
    return fields


def find_plants(data_root: str | Path, subset: str = 'A1') -> dict[str, Plant]:
    """Every plant of ``subset`` under ``data_root``, by name, in either layout (``LAYOUT``).

    Fails at once, with the expected layout in the message, when the root is missing, holds
    neither layout (or both), an HDF5 file lacks the subset, a plant lacks its image or has neither
    label nor foreground, a training plant has no label or a test plant has one.
    """
    root = Path(data_root)
    if not root.is_dir():
        raise _layout_error(f'CVPPP data root {root} is not a folder.')
    h5_files = sorted(root.glob('*.h5'))
    png_fields = _png_fields(root, subset)
    if h5_files and png_fields:
        raise _layout_error(f'{root} holds both HDF5 files and PNG folders; point the data root '
                            f'at one of them.')
    fields = _h5_fields(h5_files, subset) if h5_files else png_fields
    if not fields:
        found = ', '.join(p.name for p in h5_files) or 'no *.h5 file and no PNG plant folder'
        raise _layout_error(f'no {subset} plant under {root} ({found}).')
    no_image = sorted(name for name, plant in fields.items() if 'rgb' not in plant)
    unusable = sorted(name for name, plant in fields.items()
                      if 'label' not in plant and 'fg' not in plant)
    if no_image or unusable:
        raise _layout_error(f'incomplete {subset} data under {root}: without rgb: {no_image[:5]}, '
                            f'with neither label nor fg: {unusable[:5]}.')
    is_test = {name: _is_test_source(plant['rgb'], root) for name, plant in fields.items()}
    unlabelled = sorted(name for name, plant in fields.items()
                        if not is_test[name] and 'label' not in plant)
    labelled_test = sorted(name for name, plant in fields.items()
                           if is_test[name] and 'label' in plant)
    if unlabelled or labelled_test:
        first = unlabelled[0] if unlabelled else labelled_test[0]
        raise _layout_error(f'{subset} data under {root} does not match its release: training '
                            f'plants without a label: {unlabelled[:5]}; test plants with one: '
                            f'{labelled_test[:5]} (image of {first}: {fields[first]["rgb"]}).')
    return {name: Plant(name, plant['rgb'], plant.get('label'), plant.get('fg'))
            for name, plant in sorted(fields.items())}


def split_plants(plants: dict[str, Plant], num_val: int = 28,
                 seed: int = 0) -> dict[str, list[str]]:
    """The split used here: ``num_val`` labelled plants, drawn with ``seed``, are held out.

    The paper trains on the labelled A1 images without saying how it validated. 28 of 128 is the
    validation size of public re-implementations, so their numbers compare. Names
    are sorted before drawing, so the split depends on the set of plants and the seed only.
    Without labelled plants (test data only) every split but ``'test'`` is empty.
    """
    labelled = sorted(name for name, plant in plants.items() if plant.label is not None)
    if labelled and not 0 < num_val < len(labelled):
        raise ValueError(f'num_val must be between 1 and {len(labelled) - 1} (there are '
                         f'{len(labelled)} labelled plants), got {num_val}')
    order = np.random.default_rng(seed).permutation(len(labelled))
    val = sorted(labelled[i] for i in order[:num_val])
    return {
        'train': sorted(set(labelled) - set(val)),
        'val': val,
        'trainval': labelled,
        'test': sorted(name for name, plant in plants.items() if plant.label is None),
    }


def _read_h5(locator: str) -> np.ndarray:
    path, key = locator.split(H5_SEPARATOR, 1)
    with h5py.File(path, 'r') as h5:
        return np.asarray(h5[key])


def read_image(locator: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB; an alpha channel (the HDF5 release stores RGBA) is dropped."""
    if H5_SEPARATOR in locator:
        image = _read_h5(locator)
    else:  # cv2, not PIL: PIL silently truncates a 16-bit PNG to 8 bits
        image = cv2.imread(locator, cv2.IMREAD_UNCHANGED)
        if image is None:
            raise FileNotFoundError(f'cannot read image {locator}: missing, unreadable or corrupt')
        if image.ndim == 3:
            image = image[..., 2::-1]  # BGR(A) -> RGB
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] < 3 or image.dtype != np.uint8:
        raise ValueError(f'{locator}: expected an 8-bit RGB(A) image, got {image.dtype} '
                         f'{image.shape}')
    return np.ascontiguousarray(image[..., :3])


def read_label(locator: str) -> np.ndarray:
    """(H, W) int32 instance ids, 0 = background, from grey ids, a palette or colours."""
    if H5_SEPARATOR not in locator:
        return read_label_png(locator, colours=True).astype(np.int32)
    label = _read_h5(locator)
    if label.ndim == 3:
        label = colours_to_ids(label[..., :3], locator)
    return check_ids(label, locator).astype(np.int32)


def read_fg(locator: str) -> np.ndarray:
    """(H, W) bool foreground: any non-zero value (0/1, 0/255 or a colour mask)."""
    if H5_SEPARATOR in locator:
        fg = _read_h5(locator)
    else:
        try:
            with Image.open(locator) as image:
                fg = np.asarray(image)
        except (OSError, ValueError) as error:
            raise FileNotFoundError(f'cannot read {locator}: {error}') from error
    return fg.any(axis=2) if fg.ndim == 3 else fg != 0


@DATASETS.register_module()
class CVPPPDataset(BaseSegDataset):
    """One split of a CVPPP subset (A1 by default), read from either official layout.

    Each sample carries ``img_path``, ``seg_map_path`` (the label, ``None`` for test plants),
    ``fg_path`` and ``plant``, all read by the transforms of ``cvppp_transforms``.

    Args:
        split: ``'train'`` / ``'val'`` (the seeded split of the labelled plants, see
            ``split_plants``), ``'trainval'`` (all labelled plants) or ``'test'`` (plants without a
            label; the challenge's A1 has 33).
        subset: challenge subset, A1 in the paper.
        num_val: labelled plants held out for validation.
        split_seed: seed of the validation draw.
        **kwargs: ``BaseSegDataset`` arguments (``data_root``, ``pipeline``, ...).
    """

    METAINFO = dict(classes=('background', 'leaf'), palette=[[0, 0, 0], [0, 200, 0]])

    def __init__(self, split: str = 'train', subset: str = 'A1', num_val: int = 28,
                 split_seed: int = 0, **kwargs) -> None:
        if split not in SPLITS:
            raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
        self.split, self.subset, self.num_val, self.split_seed = split, subset, num_val, split_seed
        super().__init__(**kwargs)

    def load_data_list(self) -> list[dict]:
        plants = find_plants(self.data_root, self.subset)
        names = split_plants(plants, self.num_val, self.split_seed)[self.split]
        if not names:
            raise _layout_error(f'the {self.split!r} split of {self.subset} under '
                                f'{osp.abspath(self.data_root)} is empty.')
        return [dict(img_path=plants[name].rgb, seg_map_path=plants[name].label,
                     fg_path=plants[name].fg, plant=name, label_map=None,
                     reduce_zero_label=False, seg_fields=[])
                for name in names]
