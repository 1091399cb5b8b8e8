"""``baselines.sticks_data`` for configs whose ``_base_`` is one of mmdetection's COCO recipes.

Those recipes define the loaders, evaluators and training loop too. Merged with the sticks ones,
their COCO-only keys would survive (the panoptic dataset's keys, the aspect-ratio batch sampler,
epoch-based loops and dynamic validation intervals), so here each of them replaces the recipe's
(``_delete_=True``) instead; everything else is ``baselines.sticks_data`` unchanged.
"""
from __future__ import annotations

from baselines import sticks_data
from baselines.sticks_data import *  # noqa: F401,F403
from baselines.sticks_data import __all__  # noqa: F401

train_dataloader = dict(_delete_=True, **sticks_data.train_dataloader)
val_dataloader = dict(_delete_=True, **sticks_data.val_dataloader)
test_dataloader = dict(_delete_=True, **sticks_data.test_dataloader)
val_evaluator = dict(_delete_=True, **sticks_data.val_evaluator)
test_evaluator = dict(_delete_=True, **sticks_data.test_evaluator)
train_cfg = dict(_delete_=True, **sticks_data.train_cfg)
