"""Let torch >= 2.6 load this project's mmengine checkpoints with ``weights_only=True``.

``torch.load`` now refuses objects it does not know, and mmengine 0.10.7 checkpoints carry its
message hub: ``HistoryBuffer`` objects (pickled with bound methods, i.e. ``getattr``, which must
never be allowed) and numpy scalars. Instead of switching the check off (``weights_only=False`` or
an environment variable, which would also run arbitrary code from a downloaded file), this module

* pickles ``HistoryBuffer`` by its constructor arguments as plain lists, and
* adds exactly ``HistoryBuffer`` and the numpy scalar types to torch's allow-list.

Both take effect when ``discseg`` is imported, which every config does through ``custom_imports``.
"""
from __future__ import annotations

import copyreg

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


def _reduce_history_buffer(buffer: HistoryBuffer) -> tuple:
    return HistoryBuffer, (buffer._log_history.tolist(), buffer._count_history.tolist(),
                           buffer.max_length)


def _numpy_scalar_types() -> list:
    """What a pickled numpy scalar refers to: the scalar constructor, dtype and the dtype classes."""
    dtypes = [np.dtype(code) for code in '?bhilqBHILQefdgFDG']
    return [np._core.multiarray.scalar, np.dtype, *{type(d) for d in dtypes}]


def allow_mmengine_checkpoints() -> None:
    """Make mmengine checkpoints written from now on loadable with ``weights_only=True``."""
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    torch.serialization.add_safe_globals([HistoryBuffer, *_numpy_scalar_types()])


allow_mmengine_checkpoints()
