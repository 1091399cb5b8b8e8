"""The run hooks: training time is measured, early stopping and the random state survive a resume."""
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub

from discseg.engine.hooks import EARLY_STOPPING, ResumableEarlyStoppingHook, TrainingTimerHook


def fake_runner(name, spent_before=0.0):
    hub = MessageHub.get_instance(name)
    hub.update_info('train_seconds', spent_before)
    return SimpleNamespace(message_hub=hub, train_loop=SimpleNamespace(stop_training=False),
                           iter=0, logger=SimpleNamespace(info=lambda *_: None))


def test_timer_accumulates_and_never_stops(monkeypatch):
    clock = iter([0.0, 4.0, 10.0, 17.0])
    monkeypatch.setattr('discseg.engine.hooks.time.perf_counter', lambda: next(clock))
    hook, runner = TrainingTimerHook(), fake_runner('timer-test', spent_before=2.0)
    for index in range(2):
        hook.before_train_iter(runner, index)
        hook.after_train_iter(runner, index)
    assert runner.message_hub.get_info('train_seconds') == pytest.approx(2.0 + 4.0 + 7.0)
    assert not runner.train_loop.stop_training


def validate(hook, runner, iteration, score):
    runner.iter = iteration
    hook.after_val_epoch(runner, {'sbd': score})


def test_early_stopping_state_lives_in_the_message_hub():
    """Patience 2, min_delta 0.01: 0.5 best, 0.505 no gain (wait 1), 0.52 gain, then two waits."""
    runner = fake_runner('stopping-test')
    validate(ResumableEarlyStoppingHook('sbd', rule='greater', min_delta=0.01, patience=2),
             runner, 10, 0.5)
    # A new hook object (as after a resume) continues from the hub's state.
    hook = ResumableEarlyStoppingHook('sbd', rule='greater', min_delta=0.01, patience=2)
    for iteration, score in ((20, 0.505), (30, 0.52), (40, 0.5)):
        validate(hook, runner, iteration, score)
        assert not runner.train_loop.stop_training
    validate(ResumableEarlyStoppingHook('sbd', rule='greater', min_delta=0.01, patience=2),
             runner, 50, 0.525)
    assert runner.train_loop.stop_training
    state = runner.message_hub.get_info(EARLY_STOPPING)
    assert state['best_score'] == 0.52 and state['wait_count'] == 2 and state['stopped_at'] == 50


def test_early_stopping_starts_from_nothing():
    runner = fake_runner('stopping-fresh')
    hook = ResumableEarlyStoppingHook('sbd', rule='greater', min_delta=0.001, patience=1)
    validate(hook, runner, 5, 0.0)  # any finite score is a gain over the start
    assert runner.message_hub.get_info(EARLY_STOPPING)['wait_count'] == 0


def test_early_stopping_waits_until_begin_then_stops_on_the_patience_it_counted():
    """Patience 1 from iteration 30: the waits at 10 and 20 count but do not stop; at 30 the
    patience is long spent, so the first validation there stops."""
    runner = fake_runner('stopping-begin')
    hook = ResumableEarlyStoppingHook('sbd', rule='greater', min_delta=0.001, patience=1, begin=30)
    for iteration, score in ((5, 0.3), (10, 0.2), (20, 0.1)):
        validate(hook, runner, iteration, score)
        assert not runner.train_loop.stop_training
    assert runner.message_hub.get_info(EARLY_STOPPING)['wait_count'] == 2
    validate(hook, runner, 30, 0.2)
    assert runner.train_loop.stop_training
    assert runner.message_hub.get_info(EARLY_STOPPING)['stopped_at'] == 30
