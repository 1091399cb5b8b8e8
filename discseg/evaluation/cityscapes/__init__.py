"""Cityscapes instance-level evaluation by the official ``cityscapesscripts`` code.

Predictions go through the benchmark's own results format (so any method, ours or not, is scored
by the same code, and the files are what the test server takes): per image one
``<city>_<seq>_<frame>_pred.txt`` whose lines are ``masks/<mask>.png <labelId> <score>``, and one
binary PNG per instance (non-zero = inside).

``evaluateImgLists`` writes three files: its ground-truth cache ``gtInstances.json`` (by default
inside site-packages, and silently reused even when the ground truth changed), ``matches.json``
(always in the working directory) and, if asked, a results JSON. ``evaluate`` runs it on a private
copy of the module's settings with the working directory set to the output folder, deletes the
cache first, and writes the results JSON itself, so every file lands in the output folder and no
number comes from a stale cache.

AP100m and AP50m need each ground-truth instance's distance, which ``instances2dict`` never
computes (``medDist`` stays -1): they are reported as ``UNAVAILABLE``, never as a number.

    python -m discseg.evaluation.cityscapes --gt GT_DIR --pred PRED_DIR --out OUT_DIR

runs ``__main__.py``, which ``import discseg`` never imports: a module that registers components
must not also be the script, or ``-m`` would execute (and register) it a second time.
"""
from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import tempfile
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from cityscapesscripts.evaluation import evalInstanceLevelSemanticLabeling as cs_eval
from cityscapesscripts.helpers.csHelpers import getCoreImageFileName
from mmengine.dist import get_world_size
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmseg.registry import METRICS

from ...datasets.cityscapes import INSTANCE_IDS_SUFFIX, THING_LABEL_IDS, instance_ids_path

__all__ = ['RESULTS', 'UNAVAILABLE', 'CityscapesInstanceMetric', 'evaluate',
           'export_prediction', 'format_results']

UNAVAILABLE = 'unavailable'
GT_CACHE = 'gtInstances.json'
MATCHES = 'matches.json'
RESULTS = 'results.json'


def export_prediction(pred_dir: str | Path, image_path: str | Path, masks: np.ndarray,
                      label_ids: Sequence[int], scores: Sequence[float]) -> Path:
    """Write one image's instances in the official results format; return its ``.txt``.

    Empty masks are skipped. A second export of the same image replaces the first, masks included.

    Args:
        pred_dir: root of the predictions (the folder given to ``evaluate``).
        image_path: the image (or any Cityscapes file of it); only its name is used.
        masks: [K, H, W] bool, at the original image size; they may overlap.
        label_ids: [K] Cityscapes label ids (person 24, ..., bicycle 33), not train ids.
        scores: [K] confidences.
    """
    masks = np.asarray(masks, dtype=bool)
    if masks.ndim != 3 or not len(masks) == len(label_ids) == len(scores):
        raise ValueError(f'expected masks [K, H, W], K label ids and K scores, got {masks.shape}, '
                         f'{len(label_ids)} and {len(scores)}')
    core = getCoreImageFileName(str(image_path))
    mask_dir = Path(pred_dir) / 'masks'
    mask_dir.mkdir(parents=True, exist_ok=True)
    for stale in mask_dir.glob(f'{core}_*.png'):
        stale.unlink()
    lines = []
    for index in np.flatnonzero(masks.any(axis=(1, 2))):
        name = f'{core}_{index:04d}.png'
        if not cv2.imwrite(str(mask_dir / name), masks[index].astype(np.uint8) * 255):
            raise OSError(f'cannot write {mask_dir / name}')
        lines.append(f'masks/{name} {int(label_ids[index])} {float(scores[index]):.6f}\n')
    txt = Path(pred_dir) / f'{core}_pred.txt'
    txt.write_text(''.join(lines))
    return txt


def _ground_truth_files(ground_truth: str | Path | Sequence[str | Path]) -> list[str]:
    """Absolute paths of the instanceIds PNGs; a folder is searched recursively."""
    if isinstance(ground_truth, (str, Path)):
        files = sorted(Path(ground_truth).rglob(f'*{INSTANCE_IDS_SUFFIX}'))
        if not files:
            raise FileNotFoundError(f'no *{INSTANCE_IDS_SUFFIX} under {ground_truth}')
    else:
        files = [Path(path) for path in ground_truth]
    return [str(path.resolve()) for path in files]


def _settings(pred_dir: Path, out_dir: Path) -> cs_eval.CArgs:
    """A private copy of the module's global ``args``, pointing every file into ``out_dir``."""
    settings = copy.deepcopy(cs_eval.args)
    settings.predictionPath = str(pred_dir)
    settings.predictionWalk = None
    settings.gtInstancesFile = str(out_dir / GT_CACHE)
    settings.exportFile = str(out_dir / 'resultInstanceLevelSemanticLabeling.json')  # unused
    settings.JSONOutput = False
    settings.colorized = False
    settings.csv = False
    settings.quiet = True
    settings.distanceAvailable = False
    return settings


def _summary(scores: dict) -> dict:
    averages = scores['averages']
    return {
        'AP': float(averages['allAp']),
        'AP50': float(averages['allAp50%']),
        'AP100m': UNAVAILABLE,
        'AP50m': UNAVAILABLE,
        'classes': {name: {'AP': float(values['ap']), 'AP50': float(values['ap50%'])}
                    for name, values in averages['classes'].items()},
    }


def evaluate(ground_truth: str | Path | Sequence[str | Path], pred_dir: str | Path,
             out_dir: str | Path) -> dict:
    """Score the predictions under ``pred_dir`` against the ground truth with ``cityscapesscripts``.

    Args:
        ground_truth: the ``*_gtFine_instanceIds.png`` files, or a folder holding them (e.g.
            ``gtFine/val``). Every one needs a prediction file under ``pred_dir``.
        pred_dir: predictions in the official format (``export_prediction``).
        out_dir: receives ``gtInstances.json``, ``matches.json`` and ``results.json``; nothing
            is written anywhere else.

    Returns:
        Fractions: ``AP`` (IoU 0.5:0.05:0.95) and ``AP50`` averaged over the classes that have
        ground truth, ``AP100m`` and ``AP50m`` as ``UNAVAILABLE``, and ``classes`` with each
        class's ``AP`` and ``AP50`` (NaN for a class without ground truth or predictions).
    """
    gt_files = _ground_truth_files(ground_truth)
    pred_dir, out_dir = Path(pred_dir).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in (GT_CACHE, MATCHES, RESULTS):
        (out_dir / name).unlink(missing_ok=True)
    settings = _settings(pred_dir, out_dir)
    console = io.StringIO()
    try:
        # chdir: evaluateImgLists writes matches.json into the working directory.
        with contextlib.chdir(out_dir), contextlib.redirect_stdout(console):
            predictions = [cs_eval.getPrediction(gt, settings) for gt in gt_files]
            scores = cs_eval.evaluateImgLists(predictions, gt_files, settings)
    except SystemExit:  # cityscapesscripts reports every error by printing and calling exit
        raise RuntimeError(f'cityscapesscripts failed: {console.getvalue().strip()}') from None
    summary = {**_summary(scores), 'num_images': len(gt_files)}
    (out_dir / RESULTS).write_text(json.dumps({'summary': summary, 'cityscapesscripts': scores},
                                              indent=2, default=float) + '\n')
    return summary


def _percent(value: float) -> str:
    return '-' if math.isnan(value) else f'{100 * value:.1f}'


def format_results(summary: dict) -> str:
    """A plain-text table: one row per class, then the average, in percent ('-': undefined)."""
    rows = [f'{"class":<12}{"AP":>8}{"AP50":>8}']
    rows += [f'{name:<12}{_percent(values["AP"]):>8}{_percent(values["AP50"]):>8}'
             for name, values in summary['classes'].items()]
    rows.append(f'{"average":<12}{_percent(summary["AP"]):>8}{_percent(summary["AP50"]):>8}')
    rows.append(f'AP100m: {summary["AP100m"]}, AP50m: {summary["AP50m"]} '
                f'(no per-instance distances in the ground truth)')
    return '\n'.join(rows)


def _prediction(sample: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(masks [K, H, W], Cityscapes label ids [K], scores [K]) of a data sample in dict form.

    Our model's samples hold an instance map (``pred_instance_map``, ids 1..K) whose instance k
    has class ``labels[k - 1]`` in 1..8 (0 is background); mmdetection's hold overlapping
    ``masks`` with classes 0..7.
    """
    instances = sample['pred_instances']
    scores = instances['scores'].float().cpu().numpy()
    labels = instances['labels'].cpu().numpy()
    if 'pred_instance_map' in sample:
        data = sample['pred_instance_map']['data']
        instance_map = data.reshape(data.shape[-2:]).cpu().numpy()
        masks = instance_map[None] == np.arange(1, len(scores) + 1)[:, None, None]
        labels = labels - 1
    else:
        masks = instances['masks'].cpu().numpy().astype(bool)
    return masks, np.asarray(THING_LABEL_IDS)[labels], scores


@METRICS.register_module()
class CityscapesInstanceMetric(BaseMetric):
    """The official Cityscapes instance AP, for our model and for mmdetection's.

    ``process`` exports each prediction in the official format as it comes (so a dataset's
    masks never sit in memory); ``compute_metrics`` calls :func:`evaluate` on the gathered ground
    truth files. With ``format_only`` (the test split, for the server) nothing is scored.

    The ground truth of an image is its data sample's ``seg_map_path`` (our pipeline) or the
    ``*_gtFine_instanceIds.png`` beside its ``img_path`` in the official layout (mmdetection).

    Args:
        output_dir: predictions go to ``<output_dir>/predictions``, the evaluation's files to
            ``<output_dir>/evaluation``. ``None``: a temporary folder, deleted after scoring
            (single process only, as each process would get its own).
        format_only: export without scoring.
    """

    default_prefix = 'cityscapes'

    def __init__(self, output_dir: str | None = None, format_only: bool = False,
                 collect_device: str = 'cpu', prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if output_dir is None and (format_only or get_world_size() > 1):
            raise ValueError('output_dir is required with format_only or several processes')
        self.output_dir = output_dir
        self.format_only = format_only
        self._temporary = None

    @property
    def _root(self) -> Path:
        if self.output_dir is not None:
            return Path(self.output_dir)
        if self._temporary is None:
            self._temporary = tempfile.TemporaryDirectory(prefix='cityscapes_eval_')
        return Path(self._temporary.name)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            export_prediction(self._root / 'predictions', sample['img_path'], *_prediction(sample))
            ground_truth = sample.get('seg_map_path') or instance_ids_path(sample['img_path'])
            self.results.append(str(ground_truth))

    def compute_metrics(self, results: list[str]) -> dict:
        root = self._root
        if self.format_only:
            print_log(f'Cityscapes predictions for the server in {root / "predictions"}',
                      logger='current')
            return {}
        summary = evaluate(results, root / 'predictions', root / 'evaluation')
        print_log('Cityscapes instance segmentation\n' + format_results(summary), logger='current')
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None
        metrics = {key: summary[key] for key in ('AP', 'AP50', 'AP100m', 'AP50m')}
        for name, values in summary['classes'].items():
            metrics.update({f'{name}_AP': values['AP'], f'{name}_AP50': values['AP50']})
        return metrics
