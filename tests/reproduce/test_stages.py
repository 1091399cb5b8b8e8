"""Stages run once, record provenance, and survive an interruption."""
import json
import multiprocessing

import pytest

from discseg.fileio import write_atomic
from reproduce.stages import KeptRuns, StageInputsChanged, Stages, WorkDirInUse, data_identity


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


def test_finished_stage_with_other_inputs_stops_and_names_them(tmp_path):
    stages = Stages(tmp_path)
    stages.run('train', lambda: {'iterations': 3}, inputs={'data': {'seed': 0}, 'config': 'a'})
    again = stages.run('train', lambda: {'iterations': 99}, inputs={'config': 'a', 'data': {'seed': 0}})
    assert again['output'] == {'iterations': 3}
    with pytest.raises(StageInputsChanged, match=r"\['data'\] changed"):
        stages.run('train', lambda: {'iterations': 99}, inputs={'data': {'seed': 1}, 'config': 'a'})


def test_record_keeps_inputs_and_the_machines_load(tmp_path):
    record = Stages(tmp_path).run('generate', lambda: None, inputs={'root': tmp_path})
    assert record['inputs'] == {'root': str(tmp_path)}
    assert len(record['load_average']['start']) == 3


def _hold(work_dir, ready, release):
    Stages(work_dir)
    ready.set()
    release.wait(30)


def test_a_work_dir_in_use_by_another_process_is_refused(tmp_path):
    context = multiprocessing.get_context('fork')
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(tmp_path, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(WorkDirInUse, match=f'pid {holder.pid}'):
            Stages(tmp_path)
    finally:
        release.set()
        holder.join(30)
    Stages(tmp_path)  # free again once the other run has ended


def test_data_identity_of_user_data_changes_with_its_files(tmp_path):
    (tmp_path / 'a.png').write_bytes(b'1')
    first = data_identity(tmp_path)
    (tmp_path / 'b.png').write_bytes(b'2')
    assert data_identity(tmp_path) != first
    with pytest.raises(FileNotFoundError, match='no files'):
        data_identity(tmp_path / 'missing')


def test_a_kept_run_comes_back_with_its_files_only_for_its_own_identity(tmp_path):
    example = tmp_path / 'example.png'
    example.write_bytes(b'\x89PNG fake')
    runs = KeptRuns(tmp_path / 'results' / 'runs')
    identity = {'model': {'seed': 0, 'spec': (8, 3800)}, 'test_data': 'a'}
    assert runs.get('ours_seed0_test', identity) is None
    runs.put('ours_seed0_test', identity, {'sbd': 0.86}, files=[example])
    # Another session: a new KeptRuns over the committed folder, identity rebuilt (tuples as lists).
    again = KeptRuns(tmp_path / 'results' / 'runs')
    assert again.get('ours_seed0_test', {'test_data': 'a', 'model': {'spec': [8, 3800], 'seed': 0}}) \
        == {'sbd': 0.86}
    assert (again.files('ours_seed0_test') / 'example.png').read_bytes() == b'\x89PNG fake'
    with pytest.raises(StageInputsChanged, match=r"other inputs: \['test_data'\]"):
        again.get('ours_seed0_test', {**identity, 'test_data': 'b'})
