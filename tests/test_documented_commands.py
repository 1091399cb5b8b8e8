"""Every command README.md documents runs, as a user runs it: in a fresh process.

Commands are read from the README's code (inline spans and bash blocks starting with
``python -m`` or ``bash reproduce/run.sh``), so a newly documented one is covered without
touching this file. Each distinct entry point (module plus sub-command) gets ``--help``, which
imports and parses as a real call does: an in-process test cannot see a module that fails under
``-m`` (one imported by the package is executed twice and registers its components twice). The
Cityscapes scorer, the one cheap real call, also scores a generated tree. The long runs get only
``--help``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN_SH = 'bash reproduce/run.sh'
COMMAND_STARTS = ('python -m ', RUN_SH)
TIMEOUT_S = 120


def documented_commands() -> list[str]:
    """The README's commands, whitespace normalised, in order of appearance, without repeats."""
    text = (ROOT / 'README.md').read_text()
    blocks = re.findall(r'```[a-z]*\n(.*?)```', text, flags=re.S)
    lines = [line.split('#')[0] for block in blocks for line in block.splitlines()]
    spans = re.findall(r'`([^`]+)`', re.sub(r'```.*?```', '', text, flags=re.S))
    commands = (' '.join(code.split()) for code in lines + spans)
    return list(dict.fromkeys(c for c in commands if c.startswith(COMMAND_STARTS)))


def entry_point(command: str) -> tuple[str, ...]:
    """``('reproduce', 'sticks-sweep')`` for ``python -m reproduce sticks-sweep --profile long``:
    the module and the sub-commands before the first option or placeholder. ``run.sh`` passes its
    arguments to ``python -m reproduce``."""
    words = command.split()
    module, rest = ('reproduce', words[2:]) if command.startswith(RUN_SH) else (words[2], words[3:])
    subcommands = []
    for word in rest:
        if not re.fullmatch(r'[a-z][a-z0-9_-]*', word):
            break
        subcommands.append(word)
    return (module, *subcommands)


COMMANDS = documented_commands()
ENTRY_POINTS = sorted({entry_point(command) for command in COMMANDS})


def run(argv: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, 'PYTHONPATH': str(ROOT)}
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_S)


@pytest.fixture(scope='module')
def help_outputs() -> dict[tuple[str, ...], subprocess.CompletedProcess]:
    """``--help`` of every entry point, two processes at a time (each spends seconds importing)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = {point: pool.submit(run, [sys.executable, '-m', *point, '--help'])
                for point in ENTRY_POINTS}
        runs[(RUN_SH,)] = pool.submit(run, [*RUN_SH.split(), '--help'])
        return {point: future.result() for point, future in runs.items()}


def test_the_readme_documents_the_commands_this_test_relies_on():
    assert {('reproduce',), ('reproduce', 'sticks'), ('reproduce', 'cvppp'),
            ('reproduce', 'cityscapes'), ('reproduce.benchmarks.loss',),
            ('discseg.evaluation.cityscapes',)} <= set(ENTRY_POINTS)
    assert entry_point('python -m reproduce sticks-sweep --profile long') == \
        ('reproduce', 'sticks-sweep')
    assert entry_point('bash reproduce/run.sh cvppp --data-root DIR') == ('reproduce', 'cvppp')


@pytest.mark.parametrize('point', [*ENTRY_POINTS, (RUN_SH,)], ids=' '.join)
def test_help_of_every_documented_entry_point(help_outputs, point):
    result = help_outputs[point]
    assert result.returncode == 0, f'{" ".join(point)} --help failed:\n{result.stderr[-3000:]}'
    assert result.stdout.startswith('usage:'), result.stdout[:500]
    assert 'Traceback' not in result.stderr


def test_the_cityscapes_scorer_scores_a_generated_tree(tmp_path):
    """The documented call on a tiny tree whose predictions are its own ground truth: AP 100."""
    from discseg.datasets.label_maps import read_label_png
    from discseg.evaluation.cityscapes import export_prediction
    from discseg.synthetic.cityscapes_tree import write_cityscapes_tree

    written = write_cityscapes_tree(tmp_path / 'cityscapes', {'val': 2})
    for gt_file in written['val']:
        ids = read_label_png(gt_file)
        instances = np.unique(ids[ids >= 1000])
        export_prediction(tmp_path / 'pred', gt_file, ids[None] == instances[:, None, None],
                          instances // 1000, np.ones(len(instances)))
    command = next(c for c in COMMANDS if entry_point(c) == ('discseg.evaluation.cityscapes',))
    folders = {'--gt': tmp_path / 'cityscapes' / 'gtFine' / 'val', '--pred': tmp_path / 'pred',
               '--out': tmp_path / 'out'}
    words = command.split()
    argv = [str(folders[words[i - 1]]) if word == 'DIR' else word for i, word in enumerate(words)]
    result = run([sys.executable, *argv[1:]])
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'average        100.0   100.0' in result.stdout
    assert (tmp_path / 'out' / 'results.json').is_file()
