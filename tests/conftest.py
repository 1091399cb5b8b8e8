"""Shared fixtures: small generated datasets, written once per test session."""
from pathlib import Path

import pytest

from discseg.synthetic.sticks import SticksConfig, write_dataset


@pytest.fixture(scope='session')
def tiny_sticks(tmp_path_factory) -> Path:
    """A 64x64 scattered-sticks dataset with 8 / 4 / 4 images."""
    root = tmp_path_factory.mktemp('sticks') / 'tiny'
    config = SticksConfig(image_size=64, num_sticks=(2, 4), width=6, outline=1, min_visible_area=30)
    write_dataset(root, config, {'train': 8, 'val': 4, 'test': 4}, seed=0, progress=False)
    return root
