"""Iteration budgets from measured training rates (reproduce.benchmarks): the rounding, the
timing, and what each experiment's front times and reports."""
import json
from pathlib import Path

import pytest

from reproduce.benchmarks import budget, cvppp_budget, sticks_budget
from reproduce.benchmarks.budget import budget_iterations, time_training
from reproduce.profiles import CVPPP_PROFILES, STICKS_PROFILES, TrainSpec
from reproduce.sticks import METHODS

STICKS_CONFIG = Path('reproduce/configs/sticks/discseg_unet_1xb8-4k_sticks.py')


def test_budget_is_the_time_over_the_rate_rounded_down_to_the_validation_interval():
    assert budget_iterations(1.2, minutes=45, val_interval=200) == 2200  # 2250 fit
    assert budget_iterations(0.5, minutes=1, val_interval=7) == 119  # 120 fit
    assert budget_iterations(1.0, minutes=1, val_interval=60) == 60
    assert budget_iterations(2.0, minutes=1, val_interval=60) == 0


def test_timed_iterations_follow_the_warmup(tiny_sticks):
    spec = TrainSpec(batch_size=2, max_iters=1, val_interval=1, num_workers=0)
    rates = time_training(STICKS_CONFIG, spec, tiny_sticks, warmup=1, iterations=2)
    assert 0 < rates['step_seconds'] <= rates['wall_seconds']  # the mean of 2 steps, then waits
    with pytest.raises(ValueError, match='warmup >= 1'):
        time_training(STICKS_CONFIG, spec, tiny_sticks, warmup=0, iterations=2)


@pytest.fixture
def fake_timing(monkeypatch):
    """Every timing a front asks for, answered with 1 s per step and 1.5 s per iteration."""
    timed = []

    def timing(config, spec, data_root, warmup, iterations):
        timed.append((config, spec, data_root, warmup, iterations))
        return {'step_seconds': 1.0, 'wall_seconds': 1.5}

    monkeypatch.setattr(budget, 'time_training', timing)
    return timed


def test_sticks_front_times_its_methods_on_the_profiles_data(tmp_path, fake_timing):
    out = tmp_path / 'budget.json'
    sticks_budget.main(['--profile', 'smoke', '--data-dir', str(tmp_path), '--out', str(out)])
    smoke = STICKS_PROFILES['smoke']
    assert fake_timing == [(METHODS[method].config, spec, tmp_path / 'smoke', 10, 40)
                           for method, spec in smoke.methods.items()]
    assert (tmp_path / 'smoke' / 'images' / 'train').is_dir()
    report = json.loads(out.read_text())
    assert {method: entry['budget_iterations'] for method, entry in report['methods'].items()} \
        == {method: 600 // spec.val_interval * spec.val_interval  # 15 minutes at 1.5 s
            for method, spec in smoke.methods.items()}


def test_cvppp_front_times_the_profiles_configs_and_reports_their_budgets(tmp_path, capsys,
                                                                         fake_timing):
    out = tmp_path / 'budget.json'
    cvppp_budget.main(['--data-root', str(tmp_path), '--warmup', '3', '--iterations', '5',
                       '--out', str(out)])
    cpu = CVPPP_PROFILES['cpu']
    assert fake_timing == [(cpu.configs[method], spec, tmp_path, 3, 5)
                           for method, spec in cpu.methods.items()]
    printed = capsys.readouterr().out
    report = json.loads(out.read_text())
    assert report['profile'] == 'cpu' and set(report['methods']) == set(cpu.methods)
    for method, entry in report['methods'].items():
        spec = cpu.methods[method]
        # 45 minutes at 1.5 s: 1800 iterations, rounded down to the validation interval
        assert entry['budget_iterations'] == 1800 // spec.val_interval * spec.val_interval
        assert entry['profile_iterations'] == spec.max_iters
        assert (f'{method}: 1.500 s per iteration (step 1.000 s): 45 minutes = '
                f"{entry['budget_iterations']} iterations") in printed
