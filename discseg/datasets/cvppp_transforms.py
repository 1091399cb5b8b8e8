"""Loading transforms for CVPPP samples (PNG or HDF5, see ``cvppp``) and coordinate channels.

The paper feeds the network the image plus x and y coordinate maps (5 channels), which lets a
translation-equivariant network give identical-looking leaves different embeddings.
``AddCoordinateChannels`` appends them after every geometric augmentation, so they always describe
the network's input frame, at training and test time alike.
"""
from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ..targets import instance_targets
from .cvppp import read_fg, read_image, read_label
from .label_maps import check_same_size

_CHANNEL_ORDERS = ('rgb', 'bgr')


@TRANSFORMS.register_module()
class LoadCVPPPImage(BaseTransform):
    """Read ``results['img_path']`` (a PNG path or an HDF5 locator) into ``img``, uint8 (H, W, 3).

    Args:
        channel_order: ``'bgr'`` is mmcv's convention; ``'rgb'`` is for inputs with extra channels,
            which mmseg's data preprocessor does not reorder (its ``bgr_to_rgb`` acts on 3-channel
            inputs only).
    """

    def __init__(self, channel_order: str = 'bgr') -> None:
        if channel_order not in _CHANNEL_ORDERS:
            raise ValueError(f'channel_order must be one of {_CHANNEL_ORDERS}, got '
                             f'{channel_order!r}')
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        image = read_image(results['img_path'])
        results['img'] = image[..., ::-1].copy() if self.channel_order == 'bgr' else image
        results['img_shape'] = results['ori_shape'] = image.shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(channel_order={self.channel_order!r})'


@TRANSFORMS.register_module()
class LoadCVPPPAnnotations(BaseTransform):
    """Load a plant's label and foreground mask into the instance and semantic targets.

    ``gt_instance_map`` (uint16) comes from the label (``seg_map_path``; test plants have none).
    ``gt_seg_map`` (uint8, leaf = 1) is the challenge's foreground mask (``fg_path``) when the
    plant has one, as the paper's test-time foreground, else the label's non-zero pixels. Both maps
    join ``seg_fields``, so mmseg's geometric transforms keep them aligned with the image. Both
    must have the size of the image loaded before them.
    """

    def transform(self, results: dict) -> dict:
        label_path, fg_path = results.get('seg_map_path'), results.get('fg_path')
        if label_path is None and fg_path is None:
            raise KeyError(f'{results.get("img_path")}: neither a label nor a foreground mask')
        if label_path is not None:
            ids = read_label(label_path)
            check_same_size(ids.shape, results, label_path)
            results['gt_instance_map'], results['gt_seg_map'] = instance_targets(ids)
        if fg_path is not None:
            fg = read_fg(fg_path)
            check_same_size(fg.shape, results, fg_path)
            results['gt_seg_map'] = fg.astype(np.uint8)
        fields = results.setdefault('seg_fields', [])
        fields.extend(key for key in ('gt_seg_map', 'gt_instance_map')
                      if key in results and key not in fields)
        return results


@TRANSFORMS.register_module()
class AddCoordinateChannels(BaseTransform):
    """Append x and y maps, -1 at the first and +1 at the last column / row, to ``img``.

    The image becomes float32 (H, W, C + 2); normalise the two extra channels with mean 0 and
    std 1 so that they stay in [-1, 1].
    """

    def transform(self, results: dict) -> dict:
        image = results['img']
        height, width = image.shape[:2]
        y, x = np.meshgrid(np.linspace(-1, 1, height, dtype=np.float32),
                           np.linspace(-1, 1, width, dtype=np.float32), indexing='ij')
        channels = image.reshape(height, width, -1).astype(np.float32)
        results['img'] = np.concatenate([channels, x[..., None], y[..., None]], axis=2)
        return results
