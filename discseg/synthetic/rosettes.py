"""Synthetic leaf rosettes written in the CVPPP challenge's own layouts, for tests and demos.

The real A1 data (top views of Arabidopsis rosettes on soil, 530 x 500) cannot be fetched here, so
the whole CVPPP pipeline is exercised on look-alikes made to match A1's statistics (see
``RosetteConfig``): a rosette of spoon-shaped leaves on a stalk each, spread by the golden angle,
younger leaves smaller and painted over older ones near the centre, in the middle of a round pot of
dark soil (sometimes with moss) on a red-orange tray that fills the corners. Leaves are shaded
darker towards their rims and along the midrib, so neighbouring leaves of one plant are separable,
as in the real images. It is a demo, not a model of plant growth.

Each plant's random stream depends on (seed, index) only, so the PNG and HDF5 layouts (and every
label format) written with one seed hold the same plants. ``write_dataset`` writes::

    layout='png':   root/training/A1/plantNNN_{rgb,label,fg}.png
                    root/testing/A1/plantNNN_{rgb,fg}.png
                    label_format 'palette' (palette PNG, index = id), 'colour' (RGB) or 'grey' (ids)
    layout='hdf5':  root/CVPPP2017_training_images.h5   A1/plantNNN/{rgb (RGBA), fg}
                    root/CVPPP2017_training_truth.h5    A1/plantNNN/{label, count}
                    root/CVPPP2017_testing_images.h5    A1/plantNNN/{rgb (RGBA), fg}
    both:           root/rosettes.json (how it was generated), written last

Test plants (no label) are spread evenly among the plant numbers, as in the challenge.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import h5py
import numpy as np
from PIL import Image

from .painting import select_visible, topmost
from .staging import staged_directory

__all__ = ['LABEL_FORMATS', 'LAYOUTS', 'Rosette', 'RosetteConfig', 'generate_rosette',
           'label_palette', 'plant_rng', 'write_dataset']

LAYOUTS = ('png', 'hdf5')
LABEL_FORMATS = ('palette', 'colour', 'grey')
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_MAX_LEAVES = 255  # labels are 8-bit, as in the challenge's files


@dataclass(frozen=True)
class RosetteConfig:
    """How rosettes are drawn; lengths are fractions of the image's shorter side.

    The defaults reproduce the statistics of the challenge's A1 training plants (530 x 500; 11-20
    leaves, median 16; leaf areas about 150-7300 pixels, median about 1900; the plant covers 4-41 %
    of the image, median 14 %; mean plant colour about (106, 164, 36), of the rest about
    (138, 88, 55)).
    """

    height: int = 530
    width: int = 500
    num_leaves: tuple[int, int] = (11, 20)  # inclusive range, before hidden leaves are removed
    reach: tuple[float, float] = (0.17, 0.5)  # oldest leaf's length, stalk included: log-uniform
    youngest: float = 0.16  # length of the youngest leaf relative to the oldest
    blade_aspect: tuple[float, float] = (0.5, 0.7)  # blade width / length
    pot_radius: tuple[float, float] = (0.4, 0.46)  # of the round pot, from the image centre
    moss_probability: float = 0.5  # that a pot's soil has patches of moss
    min_visible_area: int | None = None  # None: 0.04 % of the image (106 pixels at 530 x 500)

    def __post_init__(self) -> None:
        for name in ('num_leaves', 'reach', 'blade_aspect', 'pot_radius'):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.min_visible_area is None:
            object.__setattr__(self, 'min_visible_area',
                               max(1, round(4e-4 * self.height * self.width)))
        if not 1 <= self.num_leaves[0] <= self.num_leaves[1] <= _MAX_LEAVES:
            raise ValueError(f'num_leaves must satisfy 1 <= min <= max <= {_MAX_LEAVES}, got '
                             f'{self.num_leaves}')
        if not 0 < self.reach[0] <= self.reach[1]:
            raise ValueError(f'reach must satisfy 0 < min <= max, got {self.reach}')
        if not 0 < self.youngest <= 1:
            raise ValueError(f'youngest must be in (0, 1], got {self.youngest}')
        if not 0 <= self.moss_probability <= 1:
            raise ValueError(f'moss_probability must be in [0, 1], got {self.moss_probability}')
        if min(self.height, self.width) < 16:
            raise ValueError(f'images must be at least 16 x 16, got {self.height} x {self.width}')


@dataclass(frozen=True, eq=False)
class Rosette:
    """One plant: the RGB image, its leaf ids (0 = soil, 1..K in painting order) and foreground."""

    image: np.ndarray  # (H, W, 3) uint8
    label: np.ndarray  # (H, W) uint8
    fg: np.ndarray  # (H, W) bool

    @property
    def num_leaves(self) -> int:
        return int(self.label.max())


def plant_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of plant ``index``; it depends on (seed, index) only."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def _leaf_count(rng: np.random.Generator, config: RosetteConfig, growth: float) -> int:
    """A count in ``num_leaves``, higher for older plants (``growth`` in [0, 1]); over all plants
    most often just above the middle of the range (A1: 11-20, median 16)."""
    low, high = config.num_leaves
    return low + int(rng.binomial(high - low, 0.3 + 0.5 * growth))


def _leaf_shapes(rng: np.random.Generator, config: RosetteConfig, centre: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every leaf's footprint, blade shading in [0, 1] and midrib, as (N, H, W) stacks.

    Leaves grow from ``centre`` on stalks, one every golden angle, oldest (longest) first; the
    younger ones, painted on top, overlap the older ones near the centre.
    """
    side = min(config.height, config.width)
    # Older plants are larger and have more leaves. Reach is log-uniform: the plant's area, which
    # goes with its square, is spread evenly in log scale.
    growth = rng.uniform() ** 0.7
    count = _leaf_count(rng, config, growth)
    low, high = np.log(config.reach)
    reach = np.exp(low + growth * (high - low)) * side
    order = np.arange(count) / max(count - 1, 1)
    age = 1 - (1 - config.youngest) * order ** 1.3
    length = reach * age * rng.uniform(0.9, 1.05, count)
    angle = rng.uniform(0, 2 * np.pi) + GOLDEN_ANGLE * np.arange(count) + rng.normal(0, 0.12, count)
    stalk = rng.uniform(0.2, 0.35, count) * length
    half_length = (length - stalk) / 2
    half_width = half_length * rng.uniform(*config.blade_aspect, count)

    def per_leaf(values: np.ndarray) -> np.ndarray:
        return values.astype(np.float32)[:, None, None]

    cos, sin = per_leaf(np.cos(angle)), per_leaf(np.sin(angle))
    dx = (np.arange(config.width, dtype=np.float32) + 0.5 - centre[0])[None, None, :]
    dy = (np.arange(config.height, dtype=np.float32) + 0.5 - centre[1])[None, :, None]
    along = dx * cos + dy * sin  # from the plant centre, along the leaf
    across = dy * cos - dx * sin
    u = (along - per_leaf(stalk + half_length)) / per_leaf(half_length)  # -1 .. 1 on the blade
    v = across / (per_leaf(half_width) * (1 + 0.2 * u))  # spoon-shaped: wider towards the tip
    radius2 = u ** 2 + v ** 2
    blade = radius2 <= 1
    stalk_width = np.maximum(1.0, 0.12 * per_leaf(half_width))
    on_stalk = (along >= 0) & (along <= per_leaf(stalk + 0.3 * half_length)) \
        & (np.abs(across) <= stalk_width)
    shading = np.where(blade, 1 - 0.35 * radius2, 0.8)
    midrib = blade & (np.abs(v) < 0.06) & (u < 0.8)
    return blade | on_stalk, shading, midrib


def _smooth_noise(rng: np.random.Generator, height: int, width: int, cells: int) -> np.ndarray:
    """(H, W) float noise of unit scale varying over about ``1 / cells`` of the image."""
    return cv2.resize(rng.normal(0, 1, (cells, cells)).astype(np.float32), (width, height),
                      interpolation=cv2.INTER_CUBIC)


def _background(rng: np.random.Generator, config: RosetteConfig, centre: np.ndarray
                ) -> np.ndarray:
    """A round pot of dark soil (with moss, sometimes) on a red-orange tray: (H, W, 3) float."""
    height, width = config.height, config.width
    grain = rng.normal(0, 1, (height, width, 1))
    tray = np.array([176, 100, 60]) * rng.uniform(0.92, 1.08) \
        * (1 + 0.05 * _smooth_noise(rng, height, width, 6)[..., None] + 0.04 * grain)
    soil = np.array([92, 70, 50]) * rng.uniform(0.85, 1.15) \
        * (1 + 0.15 * _smooth_noise(rng, height, width, 24)[..., None] + 0.12 * grain)
    if rng.random() < config.moss_probability:
        patches = _smooth_noise(rng, height, width, 16) > rng.uniform(0.3, 1.2)
        soil = np.where(patches[..., None], np.array([92, 108, 52]) * (1 + 0.1 * grain), soil)
    rows, cols = np.mgrid[:height, :width] + 0.5
    distance = np.hypot(cols - centre[0], rows - centre[1])
    in_pot = distance <= rng.uniform(*config.pot_radius) * min(height, width)
    return np.where(in_pot[..., None], soil, tray)


def generate_rosette(rng: np.random.Generator, config: RosetteConfig = RosetteConfig()) -> Rosette:
    """Draw one plant. A plant whose leaves all end up hidden is redrawn (practically never)."""
    side = min(config.height, config.width)
    pot_centre = np.array([config.width, config.height]) / 2 + rng.normal(0, 0.015 * side, 2)
    plant_centre = pot_centre + rng.normal(0, 0.02 * side, 2)
    while True:
        inside, shading, midrib = _leaf_shapes(rng, config, plant_centre)
        keep = select_visible(inside, config.min_visible_area)
        if keep.size:
            break
    inside, shading, midrib = inside[keep], shading[keep], midrib[keep]
    top = topmost(inside)
    covered = top >= 0
    index = np.maximum(top, 0)[None]
    brightness = np.take_along_axis(shading, index, 0)[0] \
        * np.where(np.take_along_axis(midrib, index, 0)[0], 0.88, 1.0)
    # a plant's own tint (yellower or bluer greens), then each leaf's
    plant_green = np.array([128, 199, 43]) * rng.normal(1, [0.08, 0.05, 0.2])
    greens = plant_green * rng.uniform(0.88, 1.12, (keep.size, 1)) \
        * rng.normal(1, 0.05, (keep.size, 3))
    leaves = greens[index[0]] * brightness[..., None] + rng.normal(0, 4, (*top.shape, 3))
    image = np.where(covered[..., None], leaves, _background(rng, config, pot_centre))
    return Rosette(image=np.clip(np.rint(image), 0, 255).astype(np.uint8),
                   label=(top + 1).astype(np.uint8), fg=covered)


def label_palette() -> np.ndarray:
    """(256, 3) uint8 distinct colours, black first: the PASCAL VOC colour map."""
    ids = np.arange(256)
    palette = np.zeros((256, 3), dtype=np.int64)
    for bit in range(8):
        for channel in range(3):
            palette[:, channel] |= ((ids >> (3 * bit + channel)) & 1) << (7 - bit)
    return palette.astype(np.uint8)


def _label_png(label: np.ndarray, label_format: str) -> Image.Image:
    if label_format == 'grey':
        return Image.fromarray(label, mode='L')
    if label_format == 'colour':
        return Image.fromarray(label_palette()[label], mode='RGB')
    image = Image.fromarray(label, mode='P')
    image.putpalette(label_palette().ravel().tolist())
    return image


def _write_png_plant(root: Path, name: str, plant: Rosette, labelled: bool,
                     label_format: str) -> None:
    folder = root / ('training' if labelled else 'testing') / 'A1'
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(plant.image, mode='RGB').save(folder / f'{name}_rgb.png')
    Image.fromarray(plant.fg.astype(np.uint8) * 255, mode='L').save(folder / f'{name}_fg.png')
    if labelled:
        _label_png(plant.label, label_format).save(folder / f'{name}_label.png')


def _write_hdf5_plant(files: dict[str, h5py.File], name: str, plant: Rosette,
                      labelled: bool) -> None:
    alpha = np.full(plant.image.shape[:2] + (1,), 255, dtype=np.uint8)
    images = files['training_images' if labelled else 'testing_images'].create_group(f'A1/{name}')
    images.create_dataset('rgb', data=np.concatenate([plant.image, alpha], axis=2),
                          compression='gzip')
    images.create_dataset('fg', data=plant.fg.astype(np.uint8), compression='gzip')
    if labelled:
        truth = files['training_truth'].create_group(f'A1/{name}')
        truth.create_dataset('label', data=plant.label, compression='gzip')
        truth.create_dataset('count', data=plant.num_leaves)


def _unlabelled_indices(total: int, num_test: int) -> set[int]:
    """``num_test`` plant indices spread evenly over ``range(total)``."""
    if num_test == 0:
        return set()
    return set(np.linspace(0, total - 1, num_test).round().astype(int).tolist())


def write_dataset(root: str | Path, layout: str = 'png', num_labelled: int = 128,
                  num_test: int = 33, config: RosetteConfig = RosetteConfig(), seed: int = 0,
                  label_format: str = 'palette') -> None:
    """Write ``num_labelled`` training and ``num_test`` test plants under ``root`` in ``layout``.

    The defaults match the size of the challenge's A1. The same arguments give the same plants.
    Does nothing if ``root`` already holds this dataset and refuses a ``root`` that holds anything
    else. Files go to a sibling ``.<name>.partial`` folder renamed to ``root`` at the end, so an
    interrupted write leaves nothing half-written.
    """
    if layout not in LAYOUTS:
        raise ValueError(f'layout must be one of {LAYOUTS}, got {layout!r}')
    if label_format not in LABEL_FORMATS:
        raise ValueError(f'label_format must be one of {LABEL_FORMATS}, got {label_format!r}')
    if num_labelled < 0 or num_test < 0 or num_labelled + num_test == 0:
        raise ValueError(f'need a positive number of plants, got {num_labelled=} {num_test=}')
    root = Path(root)
    meta = json.loads(json.dumps({
        'layout': layout, 'label_format': label_format if layout == 'png' else None,
        'num_labelled': num_labelled, 'num_test': num_test, 'seed': seed,
        'config': asdict(config)}))
    meta_path = root / 'rosettes.json'
    if meta_path.exists() and json.loads(meta_path.read_text()) == meta:
        return
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f'{root} is not empty and holds no rosettes made with {meta}; '
                              'write to another root or delete it')

    with staged_directory(root) as staging:
        total = num_labelled + num_test
        unlabelled = _unlabelled_indices(total, num_test)
        plants = ((f'plant{index + 1:03d}', generate_rosette(plant_rng(seed, index), config),
                   index not in unlabelled) for index in range(total))
        if layout == 'png':
            for name, plant, labelled in plants:
                _write_png_plant(staging, name, plant, labelled, label_format)
        else:
            names = ('training_images', 'training_truth', 'testing_images')
            files = {name: h5py.File(staging / f'CVPPP2017_{name}.h5', 'w') for name in names}
            try:
                for name, plant, labelled in plants:
                    _write_hdf5_plant(files, name, plant, labelled)
            finally:
                for file in files.values():
                    file.close()
        (staging / 'rosettes.json').write_text(json.dumps(meta, indent=2, sort_keys=True) + '\n')
