"""Hooks that make a budgeted training run exact to resume and honest about what it did.

mmengine's Runner resumes weights, optimizer, iteration and the data order, but not three things a
comparison under a budget depends on: the early-stopping state, the global torch random state (which
Mask R-CNN's proposal samplers draw from), and the validation that followed the checkpoint. With
these hooks a resumed run stops at the same iteration, keeps the same best checkpoint and ends with
the same weights as an uninterrupted one.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import torch
from mmengine.hooks import EarlyStoppingHook, Hook
from mmengine.registry import HOOKS
from mmengine.runner import BaseLoop

TRAIN_SECONDS = 'train_seconds'
EARLY_STOPPING = 'early_stopping'
VALIDATIONS = 'validations'


@HOOKS.register_module()
class TrainingTimerHook(Hook):
    """Sum the wall time of the training iterations (not validation or checkpointing).

    The total lives in the message hub, which checkpoints save, so a resumed run keeps counting.
    It measures the run; it never stops one: budgets are iteration counts, the same on any machine.
    """

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._iteration_start = 0.0

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._iteration_start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        spent = runner.message_hub.get_info(TRAIN_SECONDS, 0.0)
        runner.message_hub.update_info(TRAIN_SECONDS,
                                       spent + time.perf_counter() - self._iteration_start)


@HOOKS.register_module()
class ValidationHistoryHook(Hook):
    """Keep every validation's metrics with its iteration in the message hub (so in checkpoints):
    the record from which a run's best checkpoint is chosen, by score."""

    priority = 'LOW'

    def after_val_epoch(self, runner, metrics=None) -> None:
        if not isinstance(runner._train_loop, BaseLoop) or not metrics:
            return
        history = runner.message_hub.get_info(VALIDATIONS, None) or []
        entry = {'iteration': runner.iter,
                 **{key: float(value) for key, value in metrics.items()
                    if isinstance(value, (int, float))}}
        runner.message_hub.update_info(VALIDATIONS, [*history, entry])


@HOOKS.register_module()
class ResumableEarlyStoppingHook(EarlyStoppingHook):
    """mmengine's early stopping, with its best score and patience count checkpointed, and never
    before iteration ``begin``.

    The state is kept in the message hub (saved with every checkpoint) instead of on the hook, so a
    resumed run remembers how long it has waited. Before ``begin`` the patience is counted but does
    not stop training: a method whose validation score stays near 0 while it learns to find
    objects at all (SOLOv2 on the sticks, for several hundred iterations) is not stopped for it.
    """

    def __init__(self, *args, begin: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.begin = begin

    def after_val_epoch(self, runner, metrics) -> None:
        state = runner.message_hub.get_info(EARLY_STOPPING, None) or {
            'best_score': -math.inf if self.rule == 'greater' else math.inf,
            'wait_count': 0, 'stopped_at': None}
        self.best_score, self.wait_count = state['best_score'], state['wait_count']
        stopping_before = runner.train_loop.stop_training
        super().after_val_epoch(runner, metrics)
        if runner.train_loop.stop_training and not stopping_before and runner.iter < self.begin:
            runner.train_loop.stop_training = False
            runner.logger.info(f'no early stop before iteration {self.begin} (now '
                               f'{runner.iter}; {self.wait_count} validations without gain)')
        if self.monitor in metrics:
            runner.message_hub.update_info(EARLY_STOPPING, {
                'best_score': self.best_score, 'wait_count': self.wait_count,
                'stopped_at': runner.iter if runner.train_loop.stop_training else None})


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Restore what mmengine's resume leaves out: the global torch random state, and the effects
    of the validation that followed the checkpoint.

    CheckpointHook writes a checkpoint after its training iteration, before that iteration's
    validation; this hook writes it again after the validation (and after early stopping has
    decided), so it holds the best score, the patience count and the stopping decision. A run
    interrupted during the validation resumes from a checkpoint marked as not validated, and
    repeats that validation (deterministic in eval mode) before it trains on.

    Registered last among the lowest-priority hooks (``reproduce.runner.train`` appends it), so
    its ``after_val_epoch`` runs after CheckpointHook's and early stopping's.
    """

    priority = 'LOWEST'

    def __init__(self) -> None:
        self._pending_rng: dict | None = None
        self._resumed_validated = True
        self._validated_iter = -1

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        state = {'torch': torch.get_rng_state()}
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state()
        checkpoint['rng_state'] = state
        checkpoint['validated'] = checkpoint['meta']['iter'] == self._validated_iter

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._pending_rng = checkpoint.get('rng_state')
        self._resumed_validated = checkpoint.get('validated', True)

    def before_train(self, runner) -> None:
        loop = runner.train_loop
        resumed_at = loop.iter
        if resumed_at == 0 or self._resumed_validated:
            return
        if resumed_at >= loop.val_begin and (resumed_at % loop.val_interval == 0
                                             or resumed_at == loop.max_iters):
            runner.logger.info(f'resumed at iteration {resumed_at}, whose validation did not '
                               'finish: repeating it')
            self._restore_rng()  # the validation draws from it too (its data loader's seed)
            runner.val_loop.run()

    def after_val_epoch(self, runner, metrics=None) -> None:
        if not isinstance(runner._train_loop, BaseLoop) or runner.iter == 0:
            return
        self._validated_iter = runner.iter
        checkpoint = Path(runner.work_dir) / f'iter_{runner.iter}.pth'
        if checkpoint.exists():
            runner.save_checkpoint(runner.work_dir, checkpoint.name,
                                   meta=dict(epoch=runner.epoch, iter=runner.iter))

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        # Restored here, after mmengine has advanced the data loader past the finished iterations.
        self._restore_rng()

    def _restore_rng(self) -> None:
        if self._pending_rng is not None:
            torch.set_rng_state(self._pending_rng['torch'])
            if 'cuda' in self._pending_rng and torch.cuda.is_available():
                torch.cuda.set_rng_state(self._pending_rng['cuda'])
            self._pending_rng = None
