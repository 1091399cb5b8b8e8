"""Seeds and intervals of the sticks tables, for the main test set and every sweep level alike.

A test set's runs (one per method and training seed) become: each seed's metrics with its
occluded / separated recall; per method, the mean and std over seeds and the 95 % percentile
bootstrap interval over test images; per baseline, the paired difference to ours. Every method and
seed is scored on the same image resamples, and a resample's statistic is the mean over seeds of
each seed's score on those images, so differences are paired across methods and seeds.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from discseg.datasets.label_maps import read_label_png
from discseg.evaluation.mask_ap import EncodedInstances, encode_instances
from discseg.evaluation.occluded_separated import occluded_separated_recall
from discseg.evaluation.resampling import (average_precision, bootstrap_indices, image_matches,
                                           percentile_interval)

__all__ = ['INTERVAL_METRICS', 'REFERENCE', 'aggregate', 'score_test_set']

INTERVAL_METRICS = ('sbd', 'abs_dic', 'mask_ap', 'mask_ap50')
REFERENCE = 'ours'  # every baseline's difference is taken to this method


def score_test_set(evaluated: Mapping[tuple[str, int], dict], test_root: Path) -> dict:
    """Per run: its metrics with occluded / separated recall (``seeds``); per method and interval
    metric: the bootstrap draws of the mean over seeds (``draws``); every image's scores
    (``per_image``). ``evaluated`` maps (method, seed) to a run whose ``evaluation`` holds metrics,
    timings, per-image scores and encoded predictions by file name."""
    per_image = pd.concat([pd.DataFrame(run['evaluation']['per_image']).assign(method=method,
                                                                                seed=seed)
                           for (method, seed), run in evaluated.items()])
    names = sorted(per_image.file_name.unique())
    indices = bootstrap_indices(len(names))
    annotations = test_root / 'annotations'
    ground_truth = [encode_instances(read_label_png(test_root / 'instances' / 'test' / name))
                    for name in names]
    seeds, samples = [], {}
    for (method, seed), run in evaluated.items():
        out = run['evaluation']
        ordered = [EncodedInstances.from_json(out['predictions'][name]) for name in names]
        matches = image_matches(ordered, ground_truth)
        recall = occluded_separated_recall(ordered, names, annotations / 'test.json',
                                           annotations / 'test_occluded.json',
                                           annotations / 'test_separated.json')
        seeds.append({'method': method, 'seed': seed, **out['metrics'], **recall,
                      'network_ms': out['network_ms'], 'postprocess_ms': out['postprocess_ms']})
        images = per_image[(per_image.method == method) & (per_image.seed == seed)]
        images = images.set_index('file_name').loc[names]
        draws = {
            'sbd': images.sbd.to_numpy()[indices].mean(axis=1),
            'abs_dic': np.abs(images.dic.to_numpy())[indices].mean(axis=1),
        }
        ap = np.array([average_precision(matches, row) for row in indices])
        draws['mask_ap'], draws['mask_ap50'] = ap[:, 0], ap[:, 1]
        for metric, values in draws.items():
            samples.setdefault((method, metric), []).append(values)
    mean_draws = {key: np.mean(values, axis=0) for key, values in samples.items()}
    return {'seeds': pd.DataFrame(seeds), 'draws': mean_draws, 'per_image': per_image}


def aggregate(scored: dict, methods: Mapping[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per method (``methods``: method -> the name its tables give it): mean and std over seeds,
    and the 95 % interval over images; per baseline: the paired difference to ours with its
    interval and whether the interval excludes 0."""
    seeds, draws = scored['seeds'], scored['draws']
    rows = []
    for method, name in methods.items():
        group = seeds[seeds.method == method]
        row = {'method': method, 'name': name, 'seeds': len(group)}
        for column in group.columns.drop(['method', 'seed']):
            values = pd.to_numeric(group[column], errors='coerce')
            row[column] = values.mean()
            row[f'{column}_std'] = values.std(ddof=1) if len(group) > 1 else float('nan')
        for metric in INTERVAL_METRICS:
            row[f'{metric}_ci_low'], row[f'{metric}_ci_high'] = percentile_interval(
                draws[(method, metric)])
        rows.append(row)
    differences = []
    for method in methods:
        if method == REFERENCE or REFERENCE not in methods:
            continue
        for metric in INTERVAL_METRICS:
            low, high = percentile_interval(draws[(method, metric)] - draws[(REFERENCE, metric)])
            point = (seeds[seeds.method == method][metric].mean()
                     - seeds[seeds.method == REFERENCE][metric].mean())
            differences.append({'method': method, 'metric': metric, 'minus_ours': point,
                                'ci_low': low, 'ci_high': high,
                                'significant': bool(low > 0 or high < 0)})
    return pd.DataFrame(rows), pd.DataFrame(differences)
