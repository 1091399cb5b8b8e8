"""Cityscapes fine annotations for instance segmentation, read from the official folder layout.

The eight evaluated instance classes and their label ids are taken from ``cityscapesscripts``
(``hasInstances and not ignoreInEval``), the definition the official evaluation uses, so the
dataset, the export of predictions and the evaluation cannot disagree about them. Class index
``k`` (1..8) of the model is ``THING_LABEL_IDS[k - 1]``; 0 is background.
"""
from __future__ import annotations

from pathlib import Path

from cityscapesscripts.helpers.labels import labels as _cityscapes_labels
from mmseg.registry import DATASETS

from .instance_dataset import InstanceDataset

_THINGS = tuple(label for label in _cityscapes_labels
                if label.hasInstances and not label.ignoreInEval)
THING_CLASSES: tuple[str, ...] = tuple(label.name for label in _THINGS)
THING_LABEL_IDS: tuple[int, ...] = tuple(label.id for label in _THINGS)
LABEL_DIVISOR = 1000  # instanceIds: label_id * 1000 + k for instances, label_id for crowd and stuff

IMAGE_SUFFIX = '_leftImg8bit.png'
INSTANCE_IDS_SUFFIX = '_gtFine_instanceIds.png'
LABEL_IDS_SUFFIX = '_gtFine_labelIds.png'


def instance_ids_path(image_path: str | Path) -> Path:
    """``<root>/leftImg8bit/<split>/<city>/<name>_leftImg8bit.png`` -> its instanceIds PNG."""
    image_path = Path(image_path)
    split_dir = image_path.parent.parent
    if split_dir.parent.name != 'leftImg8bit' or not image_path.name.endswith(IMAGE_SUFFIX):
        raise ValueError(f'image {image_path} is not at <root>/leftImg8bit/<split>/<city>/'
                         f'<city>_<seq>_<frame>{IMAGE_SUFFIX} (the official image layout), so its '
                         f'ground truth cannot be located')
    name = image_path.name[:-len(IMAGE_SUFFIX)] + INSTANCE_IDS_SUFFIX
    return split_dir.parent.parent / 'gtFine' / split_dir.name / image_path.parent.name / name


@DATASETS.register_module()
class CityscapesInstanceDataset(InstanceDataset):
    """One split of Cityscapes fine: images and their 16-bit ``*_gtFine_instanceIds.png``.

    Load the ground truth with ``LoadInstanceAnnotations(label_divisor=1000,
    thing_label_ids=THING_LABEL_IDS, require_16bit=True)``: class 0 is background (stuff and void),
    classes 1..8 the instance classes in ``THING_CLASSES`` order; crowd regions (plain label ids)
    get their class but no instance.
    """

    METAINFO = dict(
        classes=('background', *THING_CLASSES),
        label_ids=(0, *THING_LABEL_IDS),
        palette=[[0, 0, 0], *[list(label.color) for label in _THINGS]])
    LAYOUT = ('<data_root>/leftImg8bit/<split>/<city>/<city>_<seq>_<frame>' + IMAGE_SUFFIX + '\n'
              '<data_root>/gtFine/<split>/<city>/<city>_<seq>_<frame>' + INSTANCE_IDS_SUFFIX
              + ' (16-bit)\n'
              '<data_root>/gtFine/<split>/<city>/<city>_<seq>_<frame>' + LABEL_IDS_SUFFIX)

    def __init__(self, split: str = 'train', **kwargs) -> None:
        kwargs.setdefault('data_prefix', dict(img_path=f'leftImg8bit/{split}',
                                              seg_map_path=f'gtFine/{split}'))
        super().__init__(img_suffix=IMAGE_SUFFIX, seg_map_suffix=INSTANCE_IDS_SUFFIX, **kwargs)

    def check_image_paths(self, img_paths: list[str]) -> None:
        """Every image must sit in a city folder directly under the split's image folder."""
        img_dir = Path(self.data_prefix['img_path'])
        misplaced = [path for path in img_paths if len(Path(path).relative_to(img_dir).parts) != 2]
        if misplaced:
            raise FileNotFoundError(
                f'{len(misplaced)} images are not in a city folder <split>/<city>/ of {img_dir}, '
                f'first: {misplaced[0]}. Expected layout:\n{self.LAYOUT}')
