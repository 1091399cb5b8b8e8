"""Stages run once, record provenance, and survive an interruption."""
import json

import pytest

from reproduce.stages import Stages, write_atomic


def test_finished_stage_is_skipped_and_recorded(tmp_path):
    calls = []
    stages = Stages(tmp_path)
    first = stages.run('train', lambda: calls.append(1) or {'iterations': 3})
    second = Stages(tmp_path).run('train', lambda: calls.append(2) or {'iterations': 99})
    assert calls == [1]
    assert first == second
    record = json.loads((tmp_path / 'stages' / 'train.json').read_text())
    assert record['output'] == {'iterations': 3}
    assert {'wall_seconds', 'commit', 'machine', 'command', 'finished'} <= set(record)


def test_interrupted_stage_runs_again(tmp_path):
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Stages(tmp_path).run('evaluate', interrupted)
    assert Stages(tmp_path).record('evaluate') is None
    assert Stages(tmp_path).run('evaluate', lambda: {'done': True})['output'] == {'done': True}


def test_write_atomic_leaves_no_temporary_file(tmp_path):
    path = tmp_path / 'deep' / 'summary.csv'
    write_atomic(path, 'a,b\n')
    write_atomic(path, 'a,b\n1,2\n')
    assert path.read_text() == 'a,b\n1,2\n'
    assert [p.name for p in path.parent.iterdir()] == ['summary.csv']
