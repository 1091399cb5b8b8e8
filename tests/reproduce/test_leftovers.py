"""The leftover comparison: each rule and mask source scored from one checkpoint, paired."""
import argparse
import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from reproduce.leftovers import run
from reproduce.runner import load_config

CONFIG = 'reproduce/configs/sticks/discseg_unet_1xb8-4k_sticks.py'


@pytest.fixture(scope='module')
def checkpoint(tiny_sticks, tmp_path_factory):
    """An untrained model's weights: the rules differ on any embedding."""
    folder = tmp_path_factory.mktemp('leftovers_init')
    cfg = load_config(CONFIG, work_dir=folder, data_root=tiny_sticks, num_workers=0)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = Runner.from_cfg(copy.deepcopy(cfg)).model
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, folder / 'init.pth')
    return folder / 'init.pth'


def score(checkpoint, data_root, tmp_path, split, mask_sources):
    results = tmp_path / 'results'
    run(argparse.Namespace(config=Path(CONFIG), checkpoint=checkpoint, data_root=data_root,
                           results=results, mask_sources=mask_sources, split=split,
                           work_dir=tmp_path / 'work', device='cpu'))
    return results


def test_every_rule_and_mask_source_is_scored_and_the_given_mask_gains_foreground(
        checkpoint, tiny_sticks, tmp_path):
    results = score(checkpoint, tiny_sticks, tmp_path, 'test', ['prediction', 'ground_truth'])

    summary = pd.read_csv(results / 'summary.csv')
    assert list(zip(summary.mask_source, summary.leftovers)) == [
        ('prediction', 'unlabelled'), ('prediction', 'nearest_centre'),
        ('ground_truth', 'unlabelled'), ('ground_truth', 'nearest_centre')]
    given = summary[summary.mask_source == 'ground_truth'].set_index('leftovers')
    # Nearest-centre only labels pixels the mean-shift left: the foreground can only grow.
    assert given.fg_dice['nearest_centre'] >= given.fg_dice['unlabelled']
    differences = pd.read_csv(results / 'differences.csv')
    assert len(differences) == 4
    assert (differences.ci_low <= differences.ci_high).all()
    assert (results / 'provenance.json').exists()


def test_the_val_split_is_scored_where_the_test_labels_are_hidden(checkpoint, tiny_sticks,
                                                                  tmp_path):
    results = score(checkpoint, tiny_sticks, tmp_path, 'val', ['ground_truth'])
    assert json.loads((results / 'provenance.json').read_text())['split'] == 'val'
    scored = json.loads((tmp_path / 'work' / 'ground_truth_nearest_centre' /
                         'per_image.json').read_text())
    assert sorted(Path(image['img_path']).name for image in scored) == sorted(
        path.name for path in (tiny_sticks / 'images' / 'val').glob('*.png'))
