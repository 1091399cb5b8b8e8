"""Training and test infrastructure registered in mmengine: hooks for exact resume and honest
budgets, the timed test loop and example hook of the one inference path, and several processes on
a CPU."""
from .distributed import CPUDistributedDataParallel, prepare_cpu_distributed
from .hooks import (EARLY_STOPPING, TRAIN_SECONDS, VALIDATIONS, ExactResumeHook,
                    ResumableEarlyStoppingHook, TrainingTimerHook, ValidationHistoryHook)
from .testing import (TEST_TIMING, KeepOutputsHook, SavePredictionsHook, TimedTestLoop,
                      predicted_instance_map)

__all__ = ['CPUDistributedDataParallel', 'EARLY_STOPPING', 'ExactResumeHook', 'KeepOutputsHook',
           'ResumableEarlyStoppingHook', 'SavePredictionsHook', 'TEST_TIMING', 'TRAIN_SECONDS',
           'TimedTestLoop', 'TrainingTimerHook', 'VALIDATIONS', 'ValidationHistoryHook',
           'predicted_instance_map', 'prepare_cpu_distributed']
