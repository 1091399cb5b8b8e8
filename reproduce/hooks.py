"""Hooks that make a fair comparison: a training-time budget shared by both methods."""
from __future__ import annotations

import time

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class TrainingBudgetHook(Hook):
    """Stop training once the training iterations have taken ``seconds`` in total.

    Only iterations count (not validation or checkpointing), and the total is kept in the message
    hub, which checkpoints save: a resumed run continues the same budget.
    """

    priority = 'VERY_LOW'

    def __init__(self, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError(f'seconds must be positive, got {seconds}')
        self.seconds = seconds
        self._iteration_start = 0.0

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._iteration_start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        spent = runner.message_hub.get_info('train_seconds', 0.0)
        spent += time.perf_counter() - self._iteration_start
        runner.message_hub.update_info('train_seconds', spent)
        if spent >= self.seconds:
            runner.logger.info(f'training budget of {self.seconds:.0f} s spent at iteration '
                               f'{runner.iter + 1}: stopping')
            runner.train_loop.stop_training = True
