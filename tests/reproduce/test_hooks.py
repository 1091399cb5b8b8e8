"""The training budget stops a run and carries over a resume."""
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub

from reproduce.hooks import TrainingBudgetHook


def fake_runner(spent_before=0.0):
    hub = MessageHub.get_instance(f'budget-test-{spent_before}')
    hub.update_info('train_seconds', spent_before)
    logs = []
    return SimpleNamespace(message_hub=hub, train_loop=SimpleNamespace(stop_training=False),
                           iter=0, logger=SimpleNamespace(info=logs.append))


def test_budget_accumulates_and_stops(monkeypatch):
    clock = iter([0.0, 4.0, 10.0, 17.0])
    monkeypatch.setattr('reproduce.hooks.time.perf_counter', lambda: next(clock))
    hook, runner = TrainingBudgetHook(seconds=10), fake_runner()
    hook.before_train_iter(runner, 0)
    hook.after_train_iter(runner, 0)  # 4 s
    assert not runner.train_loop.stop_training
    hook.before_train_iter(runner, 1)
    hook.after_train_iter(runner, 1)  # 4 + 7 = 11 s >= 10
    assert runner.train_loop.stop_training
    assert runner.message_hub.get_info('train_seconds') == pytest.approx(11.0)


def test_resumed_run_continues_the_budget(monkeypatch):
    clock = iter([0.0, 1.0])
    monkeypatch.setattr('reproduce.hooks.time.perf_counter', lambda: next(clock))
    hook, runner = TrainingBudgetHook(seconds=10), fake_runner(spent_before=9.5)
    hook.before_train_iter(runner, 0)
    hook.after_train_iter(runner, 0)
    assert runner.train_loop.stop_training


def test_budget_must_be_positive():
    with pytest.raises(ValueError):
        TrainingBudgetHook(seconds=0)
