"""Every config of the repository loads, and none reaches into a pipeline by position.

A config is every file under reproduce/configs and every file under baselines/ that inherits
(``_base_ = ...``). Sizes are named config variables or configs of their own: a dotted key such as
``pipeline.2.scale`` or an index such as ``pipeline[2]`` silently changes another step once a
pipeline gains or loses one, so no config, driver or tool may use one.
"""
import re
from pathlib import Path

import pytest
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ('reproduce', 'baselines', 'tools', 'discseg', 'paper_figures')
# `pipeline` followed by a position: `.2` (a dotted key), `[2]` (an index) or `.{` (a built key).
PIPELINE_POSITION = re.compile(r'pipeline(\.\d|\[\s*-?\d|\.\{)')


def config_files() -> list[Path]:
    ours = sorted((ROOT / 'reproduce' / 'configs').rglob('*.py'))
    baselines = [path for path in sorted((ROOT / 'baselines').rglob('*.py'))
                 if re.search(r'^_base_ = ', path.read_text(), flags=re.M)]
    return ours + baselines


def positions(text: str) -> list[str]:
    """The lines of ``text`` that reach into a pipeline by position."""
    return [line.strip() for line in text.splitlines() if PIPELINE_POSITION.search(line)]


@pytest.mark.parametrize('path', config_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_config_loads(path):
    cfg = Config.fromfile(str(path))
    assert cfg.to_dict()


def test_the_configs_are_found():
    names = {path.name for path in config_files()}
    assert {'discseg_unet_1xb8-4k_sticks.py', 'mask-rcnn_r18_fpn_gn-all_1xb4-4k_sticks.py',
            'mask-rcnn_r50-scratch_fpn_gn-all.py', 'adam_constant_lr.py'} <= names


def test_the_check_sees_a_pipeline_position():
    assert positions("options = {'train_dataloader.dataset.pipeline.2.scale': (256, 128)}")
    assert positions('cfg.train_pipeline[2].scale = size')
    assert positions("key = f'val_dataloader.dataset.pipeline.{index}.scale'")
    assert not positions('dataset=dict(pipeline=train_pipeline), resize=pipeline_step')


def test_nothing_reaches_into_a_pipeline_by_position():
    found = {str(path.relative_to(ROOT)): lines
             for source in SOURCES for path in sorted((ROOT / source).rglob('*.py'))
             if (lines := positions(path.read_text()))}
    assert not found
