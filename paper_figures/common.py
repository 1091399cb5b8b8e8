"""Drawing shared by the figures: instance colours, the paper's example grids, training curves."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pandas as pd

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402


def save_figure(figure: plt.Figure, path: Path, dpi: int = 100) -> Path:
    """Lay out, write and close ``figure``; every figure of the project ends here."""
    figure.tight_layout()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return path


def colour_instances(instance_map: np.ndarray) -> np.ndarray:
    """RGB image: background black, instance k a fixed hue (golden-ratio steps, so neighbours differ)."""
    hues = (np.arange(int(instance_map.max()) + 1) * 0.618034) % 1.0
    hsv = np.stack([hues * 179, np.full_like(hues, 200), np.full_like(hues, 255)], axis=1)
    palette = cv2.cvtColor(hsv.astype(np.uint8)[None], cv2.COLOR_HSV2RGB)[0]
    palette[0] = 0
    return palette[instance_map]


def read_example(path: Path, is_input: bool) -> np.ndarray:
    """An example PNG as shown: the RGB input, or an id map (any encoding) coloured by id rank."""
    picture = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if is_input:
        return cv2.cvtColor(picture, cv2.COLOR_BGR2RGB)
    ids, ranks = np.unique(picture, return_inverse=True)
    ranks = ranks.reshape(picture.shape) + int(ids[0] != 0)  # background (0) stays black
    return colour_instances(ranks)


def draw_example_grid(examples: Path, columns: dict[str, str], path: Path, cell: float = 2.2,
                      dpi: int = 100, row_label: Callable[[str], str] | None = None) -> Path:
    """The paper's example figures: one image a row, ``columns`` (folder -> title) side by side.

    ``examples/<folder>/<name>.png`` holds each column's picture; the first column is the input.
    ``row_label`` names a row from its file stem, beside the input.
    """
    names = sorted(p.name for p in (examples / next(iter(columns))).glob('*.png'))
    figure, axes = plt.subplots(len(names), len(columns), squeeze=False,
                                figsize=(cell * len(columns), cell * len(names)))
    for row, name in enumerate(names):
        for column, (kind, title) in enumerate(columns.items()):
            axis = axes[row, column]
            axis.imshow(read_example(examples / kind / name, is_input=column == 0),
                        interpolation='nearest')
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title(title)
        if row_label is not None:
            axes[row, 0].set_ylabel(row_label(Path(name).stem), fontsize=8)
    return save_figure(figure, path, dpi)


def draw_training_curves(curves: pd.DataFrame, keys: Mapping[str, str],
                         names: Mapping[str, str], path: Path) -> Path:
    """Logged scalars against iterations, one panel per key (key -> title), a line per method and
    seed (method -> name); ``curves`` as ``reproduce.experiment.training_curves`` gives them."""
    if 'seed' not in curves:
        curves = curves.assign(seed=0)
    figure, axes = plt.subplots(1, len(keys), figsize=(4.5 * len(keys), 3.5), squeeze=False)
    colours = {method: f'C{index}' for index, method in enumerate(curves.method.unique())}
    for axis, (key, title) in zip(axes[0], keys.items()):
        for (method, seed), group in curves[curves.key == key].groupby(['method', 'seed']):
            axis.plot(group.step, group.value, marker='o' if key != 'loss' else None,
                      markersize=3, linewidth=1, color=colours[method],
                      label=f'{names[method]}, seed {seed}')
        axis.set_title(title)
        axis.set_xlabel('iteration')
        if axis.lines:
            axis.legend(fontsize=7)
    return save_figure(figure, path)
