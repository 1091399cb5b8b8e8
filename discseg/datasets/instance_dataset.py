"""A dataset of (image, instance-id map) pairs in two parallel folders, with a layout check."""
from __future__ import annotations

import os.path as osp

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS


@DATASETS.register_module()
class InstanceDataset(BaseSegDataset):
    """Images under ``data_prefix['img_path']``, instance maps under ``data_prefix['seg_map_path']``.

    The instance map is read by ``LoadInstanceAnnotations`` from the ``seg_map_path`` of each sample.
    A missing folder, an empty one, or an image without its instance map fails at once with the
    expected layout in the message (``LAYOUT``, overridden by each dataset).
    """

    LAYOUT = '<data_root>/<img_path>/<name><img_suffix>\n<data_root>/<seg_map_path>/<name><seg_map_suffix>'

    def load_data_list(self) -> list[dict]:
        for key in ('img_path', 'seg_map_path'):
            folder = self.data_prefix.get(key)
            if folder and not osp.isdir(folder):
                raise FileNotFoundError(f'{folder} is not a folder. Expected layout:\n{self.LAYOUT}')
        data_list = super().load_data_list()
        if not data_list:
            raise FileNotFoundError(f'no *{self.img_suffix} image under {self.data_prefix["img_path"]}. '
                                    f'Expected layout:\n{self.LAYOUT}')
        self.check_image_paths([d['img_path'] for d in data_list])
        missing = [d['seg_map_path'] for d in data_list
                   if 'seg_map_path' in d and not osp.isfile(d['seg_map_path'])]
        if missing:
            raise FileNotFoundError(f'{len(missing)} instance maps missing, first: {missing[0]}. '
                                    f'Expected layout:\n{self.LAYOUT}')
        return data_list

    def check_image_paths(self, img_paths: list[str]) -> None:
        """Fail on images that are not where ``LAYOUT`` puts them, before their ground truth is
        looked for (so that a misplaced image is not reported as missing ground truth)."""


@DATASETS.register_module()
class SticksDataset(InstanceDataset):
    """Scattered sticks written by ``discseg.synthetic.sticks.write_dataset`` (one split)."""

    METAINFO = dict(classes=('background', 'stick'), palette=[[0, 0, 0], [255, 0, 0]])
    LAYOUT = '<data_root>/images/<split>/NNNNN.png\n<data_root>/instances/<split>/NNNNN.png (16-bit ids)'

    def __init__(self, split: str = 'train', **kwargs) -> None:
        kwargs.setdefault('data_prefix', dict(img_path=f'images/{split}', seg_map_path=f'instances/{split}'))
        super().__init__(img_suffix='.png', seg_map_suffix='.png', **kwargs)
