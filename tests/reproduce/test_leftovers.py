"""The leftover comparison: each rule and mask source scored from one checkpoint, paired."""
import argparse
import copy
from pathlib import Path

import pandas as pd
import torch
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from reproduce.leftovers import run
from reproduce.runner import load_config

CONFIG = 'reproduce/configs/sticks/discseg_unet_1xb8-4k_sticks.py'


def test_every_rule_and_mask_source_is_scored_and_the_given_mask_gains_foreground(tiny_sticks,
                                                                                   tmp_path):
    cfg = load_config(CONFIG, work_dir=tmp_path / 'init', data_root=tiny_sticks, num_workers=0)
    checkpoint = tmp_path / 'init.pth'
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = Runner.from_cfg(copy.deepcopy(cfg)).model
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, checkpoint)
    results = tmp_path / 'results'
    run(argparse.Namespace(config=Path(CONFIG), checkpoint=checkpoint,
                           data_root=tiny_sticks, results=results,
                           mask_sources=['prediction', 'ground_truth'],
                           work_dir=tmp_path / 'work', device='cpu'))

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
