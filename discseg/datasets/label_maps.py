"""The one reader of label maps (an id per pixel) for every dataset, transform and metric.

Ids must survive storage exactly, so only PNG files are read, and the format is checked by the
file's signature, not its name: a JPEG saved as ``*_label.png`` would otherwise give dozens of
spurious ids along every edge. A palette PNG gives its indices (the index is the id), a grey PNG
its 8- or 16-bit values; a colour PNG (8 or 16 bits per channel) is an error unless the caller
accepts colour-coded instances (CVPPP), which ``colours_to_ids`` numbers. Every map is checked to
hold ids in 0..65535, the range of the uint16 instance maps the pipeline carries.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

__all__ = ['MAX_COLOURS', 'MAX_ID', 'check_ids', 'check_same_size', 'colours_to_ids',
           'read_label_png']

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
JPEG_SIGNATURE = b'\xff\xd8\xff'
MAX_ID = int(np.iinfo(np.uint16).max)
# Colour-coded instance maps are 8-bit maps drawn in colour (CVPPP's own maps are uint8, palette
# PNGs hold 256 entries): more colours than that is a photograph or a lossy copy, not instances.
MAX_COLOURS = 256


def colours_to_ids(colours: np.ndarray, source: str = 'colour label map') -> np.ndarray:
    """(H, W, 3) colour label image to (H, W) int32 ids: black is 0, the other colours 1..K in
    increasing (R, G, B) order. 8- and 16-bit channels alike; more than ``MAX_COLOURS`` colours is
    an error naming ``source``."""
    shift = 8 * colours.dtype.itemsize
    packed = (colours[..., 0].astype(np.int64) << 2 * shift) \
        | (colours[..., 1].astype(np.int64) << shift) | colours[..., 2]
    values, ids = np.unique(packed, return_inverse=True)
    if len(values) > MAX_COLOURS:
        raise ValueError(f'{source} holds {len(values)} colours: a colour-coded instance map has '
                         f'at most {MAX_COLOURS}; this looks like a photograph or a lossy (e.g. '
                         f'JPEG) copy of a label map')
    if values[0] != 0:  # no black pixel: every colour is an instance
        ids = ids + 1
    return ids.reshape(packed.shape).astype(np.int32)


def check_ids(ids: np.ndarray, source: str) -> np.ndarray:
    """``ids`` if it is an (H, W) integer map with values in 0..``MAX_ID``; else an error naming
    ``source`` (negative or larger ids would wrap around in the uint16 instance maps)."""
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f'{source}: expected an (H, W) integer map of ids, got {ids.dtype} '
                         f'{ids.shape}')
    if ids.size and (ids.min() < 0 or ids.max() > MAX_ID):
        raise ValueError(f'{source}: ids must lie in 0..{MAX_ID}, found {ids.min()}..{ids.max()}')
    return ids


def check_same_size(label_shape: tuple[int, ...], results: dict, label_path: str) -> None:
    """A label map must have its image's size: an error naming both files where it has not.

    Compares with ``results['ori_shape']``, the size of the image as loaded (loading transforms
    set it; later resizes do not change it), so put the image loader first in a pipeline.
    """
    image_shape = results.get('ori_shape')
    if image_shape is not None and tuple(label_shape[:2]) != tuple(image_shape[:2]):
        raise ValueError(f'{label_path} is {label_shape[0]}x{label_shape[1]} (HxW) but its image '
                         f'{results.get("img_path")} is {image_shape[0]}x{image_shape[1]}: a '
                         f'label map must have the size of its image')


def _check_png(path: Path) -> None:
    try:
        with open(path, 'rb') as file:
            signature = file.read(len(PNG_SIGNATURE))
    except OSError as error:
        raise FileNotFoundError(f'cannot read label map {path}: {error}') from error
    if signature != PNG_SIGNATURE:
        found = 'a JPEG file' if signature.startswith(JPEG_SIGNATURE) else \
            f'a file starting with {signature!r}'
        raise ValueError(f'label map {path} is {found}, not a PNG: ids must be stored losslessly '
                         f'as a PNG (a lossy image invents ids along every edge)')


def read_label_png(path: str | Path, colours: bool = False,
                   require_16bit: bool = False) -> np.ndarray:
    """The (H, W) ids of a label PNG, values and bit depth unchanged.

    Args:
        path: a PNG file (checked by its signature).
        colours: accept a colour PNG and number its colours (``colours_to_ids``, int32); else a
            colour PNG is an error.
        require_16bit: reject anything but a 16-bit grey map (Cityscapes ids need 16 bits).
    """
    path = Path(path)
    _check_png(path)
    try:
        with Image.open(path) as image:
            palette_indices = np.asarray(image) if image.mode == 'P' else None
    except (OSError, ValueError) as error:
        raise FileNotFoundError(f'cannot read label map {path}: corrupt PNG ({error})') from error
    ids = palette_indices if palette_indices is not None else \
        cv2.imread(str(path), cv2.IMREAD_UNCHANGED)  # PIL truncates 16-bit colour channels
    if ids is None:
        raise FileNotFoundError(f'cannot read label map {path}: corrupt PNG')
    if ids.ndim == 3:
        if not colours:
            raise ValueError(f'label map {path} has {ids.shape[2]} channels: expected a '
                             f'single-channel (grey or palette) image of ids')
        ids = colours_to_ids(ids[..., 2::-1], str(path))  # BGR(A) -> RGB
    if require_16bit and ids.dtype != np.uint16:
        raise ValueError(f'label map {path} is {ids.dtype}: expected 16-bit ids '
                         f'(label_id * 1000 + k); an 8-bit map has lost them')
    return check_ids(ids, f'label map {path}')
