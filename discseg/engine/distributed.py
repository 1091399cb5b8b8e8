"""Several processes on a machine without a GPU (gloo), through mmengine's own launchers.

mmengine 0.10.7's ``pytorch`` launcher always calls ``torch.cuda.set_device`` and its DDP wrapper
always passes ``device_ids``; both fail on CPU. ``prepare_cpu_distributed`` opens the process group
with gloo first (mmengine then uses it as it is) and selects a wrapper that leaves ``device_ids``
out for a CPU module. On a GPU nothing changes.
"""
from __future__ import annotations

import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """mmengine's DDP wrapper for a module on the CPU, where DDP takes no ``device_ids``."""

    def __init__(self, module, device_ids=None, **kwargs) -> None:
        super().__init__(module=module, device_ids=None, **kwargs)


def prepare_cpu_distributed(cfg: Config) -> Config:
    """Make ``cfg`` runnable under a launcher on a CPU-only machine; unchanged with a GPU."""
    if cfg.get('launcher', 'none') == 'none' or torch.cuda.is_available():
        return cfg
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
    cfg.model_wrapper_cfg = dict(type='CPUDistributedDataParallel', broadcast_buffers=False,
                                 find_unused_parameters=cfg.get('find_unused_parameters', False))
    return cfg
