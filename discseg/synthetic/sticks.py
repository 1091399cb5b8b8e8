"""Synthetic "scattered sticks" (paper Sec. 3.3, Fig. 4): crossed sticks whose boxes coincide.

The paper shows two such images and says nothing about how they were made. This generator draws
what the figure shows (paper Fig. 4): a white square with 8 to 12 white sticks outlined in black,
all of one width (~1/20 of the side), lengths 1/4 to 1/2 of the side, random centres (so some
sticks are cut by the border) and angles, later sticks painted over earlier ones. Every such choice
is a field of `SticksConfig`.

Each image's random stream depends on (seed, split, index) alone (`sample_rng`), so any image can
be regenerated on its own and no two splits share a stream.

SPLIT_LAYOUT
------------
``write_dataset(root, ...)`` writes::

    root/
      images/<split>/<index:05d>.png     RGB uint8: white background and fill, black outlines
      instances/<split>/<index:05d>.png  16-bit grayscale PNG: 0 background, 1..N each stick's
                                         visible pixels (fill and outline) in painting order;
                                         read with cv2.imread(path, cv2.IMREAD_UNCHANGED)
      annotations/<split>.json           COCO instances, one category (1, 'stick'); per stick the
                                         RLE of its visible pixels, area, bbox [x, y, w, h] and
                                         iscrowd 0; file_name is relative to images/<split>/
      annotations/<split>_occluded.json  the sticks partly hidden by later ones, and those cut into
      annotations/<split>_separated.json pieces (occlusion.py): lists of [file_name, 'stick',
                                         annotation id, bbox [x, y, w, h], RLE], the format of
                                         mmdetection's CocoOccludedSeparatedMetric
      occlusion/<split>.csv              per image: file_name, num_sticks, hidden_fraction,
                                         mean_box_iou, num_crossings, num_occluded, num_separated
      meta.json                          format_version, config, seed, split_sizes; written last

mmdetection reads a split as ``CocoDataset(data_root=root, ann_file='annotations/<split>.json',
data_prefix=dict(img='images/<split>/'), metainfo=dict(classes=('stick',)))``. mmsegmentation
pairs ``images/<split>`` with ``instances/<split>`` by file name (``img_suffix='.png'``,
``seg_map_suffix='.png'``); the maps hold instance ids, not class ids, and survive mmseg's cast of
seg maps to uint8 while an image has at most 255 sticks.
"""
from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import MappingProxyType

import cv2
import numpy as np

from ..instance_maps import coco_mask_fields, instance_masks
from .occlusion import hidden_fraction, mean_pairwise_box_iou, num_crossings, occlusion_tags
from .painting import select_visible, topmost
from .staging import staged_directory

__all__ = ['DEFAULT_SPLIT_SIZES', 'FORMAT_VERSION', 'Stick', 'StickSample', 'SticksConfig',
           'generate_sample', 'paint', 'render', 'sample_rng', 'select_visible',
           'stick_footprints', 'write_dataset']

FORMAT_VERSION = 2  # 2: occluded / separated tags
DEFAULT_SPLIT_SIZES: Mapping[str, int] = MappingProxyType({'train': 2000, 'val': 200, 'test': 500})

_BLACK, _WHITE = 0, 255
_MAX_DRAWS = 1000  # redraws before a config is declared unable to meet its own constraints
_PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 6]


@dataclass(frozen=True)
class SticksConfig:
    """How the sticks are drawn; distances in pixels unless named fractions of the image side."""

    image_size: int = 256
    num_sticks: tuple[int, int] = (8, 12)  # inclusive range of sticks per image, after pruning
    width: float | None = None  # None: round(image_size / 20), the figure's ~1/20 of the side
    length: tuple[float, float] = (0.25, 0.5)  # range, as fractions of the side
    outline: float = 2.0  # black band along each stick's edges, inside the stick
    min_visible_area: int = 100  # sticks showing fewer pixels are removed
    # Fraction of the sticks (after the first) drawn as "crossed swords": centred near the middle of
    # a random earlier stick and turned 30 to 150 degrees from it, so that both share nearly one
    # box. 0 keeps every stick independent; the occlusion ablation sweeps it.
    crossing_fraction: float = 0.0
    # Where along the earlier stick a crossing one is centred, as a signed fraction of the earlier
    # stick's length from its middle (uniform in this range): near 0 both boxes coincide, near
    # +-0.5 the crossing is at the earlier stick's end and the boxes differ.
    crossing_offset: tuple[float, float] = (-0.15, 0.15)

    def __post_init__(self) -> None:
        # Tuples even when given lists (as in meta.json), so equal configs compare equal.
        object.__setattr__(self, 'num_sticks', tuple(self.num_sticks))
        object.__setattr__(self, 'length', tuple(self.length))
        object.__setattr__(self, 'crossing_offset', tuple(self.crossing_offset))
        if self.width is None:
            object.__setattr__(self, 'width', max(1, round(self.image_size / 20)))
        if not 1 <= self.num_sticks[0] <= self.num_sticks[1]:
            raise ValueError(f'num_sticks must satisfy 1 <= min <= max, got {self.num_sticks}')
        if not 0 < self.length[0] <= self.length[1]:
            raise ValueError(f'length must satisfy 0 < min <= max, got {self.length}')
        if not 0 < 2 * self.outline < self.width:
            raise ValueError(f'outline {self.outline} must be positive and leave a fill inside '
                             f'width {self.width}')
        if self.min_visible_area < 1:
            raise ValueError(f'min_visible_area must be >= 1, got {self.min_visible_area}')
        if not 0.0 <= self.crossing_fraction <= 1.0:
            raise ValueError(f'crossing_fraction must be in [0, 1], got {self.crossing_fraction}')
        low, high = self.crossing_offset
        if not -0.5 <= low <= high <= 0.5:
            raise ValueError('crossing_offset must satisfy -0.5 <= low <= high <= 0.5, '
                             f'got {self.crossing_offset}')


@dataclass(frozen=True)
class Stick:
    """One stick: its centre, its length in pixels, its angle in radians from +x towards +y.

    Coordinates run x right and y down; pixel (row i, col j) is centred at (j + .5, i + .5).
    """

    x: float
    y: float
    length: float
    angle: float


@dataclass(frozen=True, eq=False)
class StickSample:
    """One image, its ground truth, and how occluded it is (see occlusion.py)."""

    image: np.ndarray  # (S, S, 3) uint8 RGB
    instance_map: np.ndarray  # (S, S) uint16: 0 background, k + 1 the visible pixels of sticks[k]
    sticks: tuple[Stick, ...]  # in painting order
    hidden_fraction: float
    mean_box_iou: float
    num_crossings: int
    tags: tuple[str, ...]  # per stick: 'unoccluded', 'occluded' or 'separated' (occlusion.py)


def stick_footprints(sticks: Sequence[Stick],
                     config: SticksConfig) -> tuple[np.ndarray, np.ndarray]:
    """Each stick's unoccluded pixels, and its outline among them, as (N, S, S) boolean stacks.

    A pixel belongs to a stick when its centre lies in the rectangle: in stick-aligned coordinates
    (u along the stick, v across it) ``|u| <= L/2`` and ``|v| <= W/2``. It is outline when it also
    lies within ``config.outline`` of one of the stick's edges; the image border is no edge.
    """
    params = np.array([(s.x, s.y, s.length, s.angle) for s in sticks], dtype=np.float64)
    x, y, length, angle = (params.reshape(-1, 4)[:, k, None, None] for k in range(4))
    pixel_centres = np.arange(config.image_size) + 0.5
    dx = pixel_centres[None, None, :] - x
    dy = pixel_centres[None, :, None] - y
    cos, sin = np.cos(angle), np.sin(angle)
    u = np.abs(dx * cos + dy * sin)
    v = np.abs(dy * cos - dx * sin)
    half_length, half_width = length / 2, config.width / 2
    inside = (u <= half_length) & (v <= half_width)
    outline = inside & ((u > half_length - config.outline) | (v > half_width - config.outline))
    return inside, outline


def paint(inside: np.ndarray, outline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Paint footprints in order, later over earlier: the RGB image and the instance map."""
    top = topmost(inside)
    covered = top >= 0
    top_outline = np.take_along_axis(outline, np.maximum(top, 0)[None], axis=0)[0] & covered
    gray = np.where(top_outline, _BLACK, _WHITE).astype(np.uint8)
    return np.repeat(gray[..., None], 3, axis=2), (top + 1).astype(np.uint16)


def render(sticks: Sequence[Stick], config: SticksConfig) -> tuple[np.ndarray, np.ndarray]:
    """The RGB image and instance map of explicit sticks, painted in the given order."""
    return paint(*stick_footprints(sticks, config))


def _draw_sticks(rng: np.random.Generator, config: SticksConfig) -> list[Stick]:
    side = config.image_size
    count = int(rng.integers(config.num_sticks[0], config.num_sticks[1], endpoint=True))
    centres = rng.uniform(0.0, side, size=(count, 2))
    lengths = rng.uniform(config.length[0] * side, config.length[1] * side, size=count)
    angles = rng.uniform(0.0, math.pi, size=count)
    if config.crossing_fraction > 0:
        _cross_sticks(rng, config.crossing_fraction, config.crossing_offset, centres, lengths,
                      angles)
    return [Stick(float(x), float(y), float(length), float(angle))
            for (x, y), length, angle in zip(centres, lengths, angles)]


def _cross_sticks(rng: np.random.Generator, fraction: float, offset_range: tuple[float, float],
                  centres: np.ndarray, lengths: np.ndarray, angles: np.ndarray) -> None:
    """Move a ``fraction`` of the sticks onto an earlier stick (at ``offset_range`` of its length
    from its middle), turned across it."""
    count = len(lengths)
    crossing = rng.random(count) < fraction
    partner = (rng.random(count) * np.arange(count)).astype(int)  # uniform over earlier sticks
    offset = rng.uniform(*offset_range, size=count)  # along the partner, a fraction of its length
    turn = rng.uniform(math.pi / 6, 5 * math.pi / 6, size=count)
    for k in np.flatnonzero(crossing[1:]) + 1:  # in painting order: a partner may itself be moved
        p = partner[k]
        direction = np.array([math.cos(angles[p]), math.sin(angles[p])])
        centres[k] = centres[p] + offset[k] * lengths[p] * direction
        angles[k] = (angles[p] + turn[k]) % math.pi


def generate_sample(rng: np.random.Generator,
                    config: SticksConfig = SticksConfig()) -> StickSample:
    """Draw one image: random sticks minus the too-hidden ones, redrawn if too few are left."""
    for _ in range(_MAX_DRAWS):
        drawn = _draw_sticks(rng, config)
        inside, outline = stick_footprints(drawn, config)
        keep = select_visible(inside, config.min_visible_area)
        if keep.size >= config.num_sticks[0]:
            break
    else:
        raise RuntimeError(f'{_MAX_DRAWS} draws in a row left fewer than {config.num_sticks[0]} '
                           f'visible sticks; the config cannot be met: {config}')
    inside, outline = inside[keep], outline[keep]
    image, instance_map = paint(inside, outline)
    ids = np.arange(1, keep.size + 1, dtype=instance_map.dtype)
    visible = instance_masks(instance_map, ids)
    return StickSample(
        image=image,
        instance_map=instance_map,
        sticks=tuple(drawn[k] for k in keep),
        hidden_fraction=hidden_fraction(inside, visible),
        mean_box_iou=mean_pairwise_box_iou(instance_map),
        num_crossings=num_crossings(inside),
        tags=tuple(occlusion_tags(inside, visible)),
    )


def sample_rng(seed: int, split: str, index: int) -> np.random.Generator:
    """The random stream of one image; it depends on (seed, split, index) only."""
    split_key = int.from_bytes(split.encode('utf-8'), 'big')
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(split_key, index)))


def _png_bytes(array: np.ndarray) -> bytes:
    """PNG of an (H, W, 3) RGB or (H, W) gray array, 8 or 16 bits by dtype, with fixed settings."""
    bgr_or_gray = array[..., ::-1] if array.ndim == 3 else array
    ok, encoded = cv2.imencode('.png', np.ascontiguousarray(bgr_or_gray), _PNG_PARAMS)
    if not ok:
        raise RuntimeError(f'PNG encoding failed for a {array.dtype} array of shape {array.shape}')
    return encoded.tobytes()


def _coco_annotations(instance_map: np.ndarray, image_id: int, first_id: int) -> list[dict]:
    return [{'id': first_id + k, 'image_id': image_id, 'category_id': 1, **fields, 'iscrowd': 0}
            for k, fields in enumerate(coco_mask_fields(instance_masks(instance_map)))]


def _json_bytes(obj: object, indent: int | None = None) -> bytes:
    return (json.dumps(obj, sort_keys=True, indent=indent) + '\n').encode('utf-8')


def _write_split(staging: Path, split: str, size: int, config: SticksConfig, seed: int,
                 progress: bool) -> None:
    images_dir = staging / 'images' / split
    instances_dir = staging / 'instances' / split
    for directory in (images_dir, instances_dir, staging / 'annotations', staging / 'occlusion'):
        directory.mkdir(parents=True, exist_ok=True)

    images, annotations = [], []
    tagged: dict[str, list] = {'occluded': [], 'separated': []}
    rows = [('file_name', 'num_sticks', 'hidden_fraction', 'mean_box_iou', 'num_crossings',
             'num_occluded', 'num_separated')]
    report_every = max(1, size // 10)
    for index in range(size):
        sample = generate_sample(sample_rng(seed, split, index), config)
        file_name = f'{index:05d}.png'
        (images_dir / file_name).write_bytes(_png_bytes(sample.image))
        (instances_dir / file_name).write_bytes(_png_bytes(sample.instance_map))
        image_id = index + 1
        images.append({'id': image_id, 'file_name': file_name,
                       'height': config.image_size, 'width': config.image_size})
        image_annotations = _coco_annotations(sample.instance_map, image_id, len(annotations) + 1)
        annotations += image_annotations
        for annotation, tag in zip(image_annotations, sample.tags):
            if tag in tagged:
                tagged[tag].append([file_name, 'stick', annotation['id'], annotation['bbox'],
                                    annotation['segmentation']])
        rows.append((file_name, len(sample.sticks), f'{sample.hidden_fraction:.6f}',
                     f'{sample.mean_box_iou:.6f}', sample.num_crossings,
                     sample.tags.count('occluded'), sample.tags.count('separated')))
        if progress and ((index + 1) % report_every == 0 or index + 1 == size):
            print(f'[sticks] {split}: {index + 1}/{size}', file=sys.stderr, flush=True)

    coco = {'images': images, 'annotations': annotations,
            'categories': [{'id': 1, 'name': 'stick'}]}
    (staging / 'annotations' / f'{split}.json').write_bytes(_json_bytes(coco))
    for tag, items in tagged.items():
        (staging / 'annotations' / f'{split}_{tag}.json').write_bytes(_json_bytes(items))
    table = io.StringIO()
    csv.writer(table, lineterminator='\n').writerows(rows)
    (staging / 'occlusion' / f'{split}.csv').write_text(table.getvalue(), encoding='utf-8')


def write_dataset(root: str | Path, config: SticksConfig = SticksConfig(),
                  split_sizes: Mapping[str, int] = DEFAULT_SPLIT_SIZES, seed: int = 0,
                  progress: bool = True) -> None:
    """Write the splits under ``root`` as SPLIT_LAYOUT (module docstring) describes.

    The same config, split sizes and seed give byte-identical files. Does nothing if ``root``
    already holds this dataset, and refuses a ``root`` that holds anything else. Files are written
    to a sibling ``.<name>.partial`` directory, meta.json last, which is then renamed to ``root``:
    an interrupted write leaves ``root`` untouched and is redone by the next call.
    """
    root = Path(root)
    meta = json.loads(_json_bytes({'format_version': FORMAT_VERSION, 'config': asdict(config),
                                   'seed': seed, 'split_sizes': dict(split_sizes)}))
    meta_path = root / 'meta.json'
    if meta_path.exists():
        existing = json.loads(meta_path.read_text(encoding='utf-8'))
        if existing == meta:
            return
        raise FileExistsError(f'{root} holds a sticks dataset made with {existing}, not {meta}; '
                              'write to another root or delete it')
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f'{root} is not empty and holds no sticks dataset (no meta.json); '
                              'refusing to write into it')

    with staged_directory(root) as staging:
        for split, size in split_sizes.items():
            _write_split(staging, split, size, config, seed, progress)
        (staging / 'meta.json').write_bytes(_json_bytes(meta, indent=2))
