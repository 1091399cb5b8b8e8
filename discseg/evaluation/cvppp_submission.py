"""Test predictions in the CVPPP challenge's HDF5 submission layout: ``<subset>/<plant>/label``.

The organisers score the hidden test labels themselves. Their code counts instances as
``max - min`` of a map, so every map is written with consecutive ids 0..K (0 = background).
``CVPPPSubmission`` is an mmengine metric that writes the file from ``runner.test()``, the way
mmdet's metrics write result files (``format_only``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import h5py
import numpy as np
from mmengine.evaluator import BaseMetric
from mmseg.registry import METRICS

__all__ = ['CVPPPSubmission', 'consecutive_ids', 'read_submission', 'write_submission']


def consecutive_ids(label_map: np.ndarray) -> np.ndarray:
    """Renumber the non-zero ids of ``label_map`` to 1..K in increasing order; 0 stays 0."""
    ids, inverse = np.unique(label_map, return_inverse=True)
    offset = 0 if ids[0] == 0 else 1
    return (inverse + offset).reshape(label_map.shape)


def write_submission(path: str | Path, predictions: Mapping[str, np.ndarray],
                     subset: str = 'A1') -> Path:
    """Write ``{plant name: (H, W) instance map}`` as ``<subset>/<plant>/label`` to ``path``.

    Maps are stored with consecutive ids, as uint8 (the challenge's type) unless a map has more
    than 255 instances. The file is written next to ``path`` and renamed, never left half-written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f'.{path.name}.partial')
    with h5py.File(partial, 'w') as h5:
        for plant, label_map in sorted(predictions.items()):
            if label_map.ndim != 2 or not np.issubdtype(label_map.dtype, np.integer):
                raise ValueError(f'{plant}: expected an (H, W) integer instance map, got '
                                 f'{label_map.dtype} {label_map.shape}')
            ids = consecutive_ids(label_map)
            dtype = np.uint8 if ids.max() <= np.iinfo(np.uint8).max else np.uint16
            h5.create_dataset(f'{subset}/{plant}/label', data=ids.astype(dtype), compression='gzip')
    partial.replace(path)
    return path


def read_submission(path: str | Path, subset: str = 'A1') -> dict[str, np.ndarray]:
    """The instance maps of a submission file, by plant name."""
    with h5py.File(path, 'r') as h5:
        return {plant: np.asarray(group['label']) for plant, group in h5[subset].items()}


@METRICS.register_module()
class CVPPPSubmission(BaseMetric):
    """Collect ``pred_instance_map`` per plant and write the challenge's submission file.

    The plant name is read from the data sample's ``plant`` meta key (add ``'plant'`` to the
    ``meta_keys`` of the packing transform). ``compute_metrics`` returns only the number of
    plants written: test labels are hidden.

    Args:
        output_file: path of the HDF5 file to write.
        subset: challenge subset, the top-level group of the file.
    """

    default_prefix = 'cvppp'

    def __init__(self, output_file: str, subset: str = 'A1', collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.output_file = output_file
        self.subset = subset

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'plant' not in sample:
                raise KeyError(f'{sample.get("img_path")}: no "plant" meta key; add it to the '
                               f'meta_keys of the packing transform')
            instance_map = sample['pred_instance_map']['data'].squeeze(0).cpu().numpy()
            self.results.append((sample['plant'], instance_map))

    def compute_metrics(self, results: list) -> dict[str, float]:
        predictions = dict(results)
        if len(predictions) != len(results):
            raise ValueError('two predictions for one plant: plant names must be unique')
        write_submission(self.output_file, predictions, self.subset)
        return {'submitted_plants': float(len(predictions))}
