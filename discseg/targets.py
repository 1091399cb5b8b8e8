"""Ground truth to training targets: one instance-id map gives the instance and semantic targets.

Pure numpy functions, shared by every dataset's loading transform.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def instance_targets(instance_ids: np.ndarray,
                     label_divisor: int | None = None,
                     thing_label_ids: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split an instance-id map into (instance map, semantic map).

    Class-agnostic data (``label_divisor=None``: sticks, CVPPP leaves): every non-zero id is an
    instance and the semantic map is foreground (1) / background (0).

    Cityscapes-style ids (``label_divisor=1000``): ``id = label_id * 1000 + k`` for instances, a
    plain ``label_id`` (< 1000) for stuff and for crowd regions. The semantic map holds
    ``1 + thing_label_ids.index(label_id)`` for the thing classes (crowd regions included) and 0
    elsewhere; the instance map keeps only the ids of thing instances, so crowd regions never enter
    the embedding loss.

    Returns:
        instance_map: uint16 [H, W] (0 = no instance; ids unchanged).
        semantic_map: uint8 [H, W].
    """
    instance_ids = np.asarray(instance_ids)
    if label_divisor is None:
        return instance_ids.astype(np.uint16), (instance_ids > 0).astype(np.uint8)
    if not thing_label_ids:
        raise ValueError('thing_label_ids must list the label ids that carry instances')
    label_ids = np.where(instance_ids >= label_divisor, instance_ids // label_divisor, instance_ids)
    lookup = np.zeros(max(int(label_ids.max(initial=0)), max(thing_label_ids)) + 1, dtype=np.uint8)
    lookup[list(thing_label_ids)] = np.arange(1, len(thing_label_ids) + 1)
    semantic_map = lookup[label_ids]
    is_instance = (instance_ids >= label_divisor) & (semantic_map > 0)
    return np.where(is_instance, instance_ids, 0).astype(np.uint16), semantic_map
