"""Training infrastructure registered in mmengine: hooks for exact resume and honest budgets, and
several processes on a CPU."""
from .distributed import CPUDistributedDataParallel, prepare_cpu_distributed
from .hooks import (EARLY_STOPPING, TRAIN_SECONDS, VALIDATIONS, ExactResumeHook,
                    ResumableEarlyStoppingHook, TrainingTimerHook, ValidationHistoryHook)

__all__ = ['CPUDistributedDataParallel', 'prepare_cpu_distributed', 'EARLY_STOPPING', 'TRAIN_SECONDS', 'VALIDATIONS', 'ExactResumeHook',
           'ResumableEarlyStoppingHook', 'TrainingTimerHook', 'ValidationHistoryHook']
