"""Start a backbone that sees more input channels than its pretrained weights did.

Pretrained models see 3 channels; ours sees RGB + x + y. Every input convolution of the checkpoint
is widened with zero weights for the extra channels, so the network starts from what the
pretrained one computes on RGB and learns how to use the coordinates.
"""
from __future__ import annotations

import copy
from pathlib import Path

import torch
from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

__all__ = ['widen_pretrained_backbone']


def widen_pretrained_backbone(checkpoint: str | Path, backbone: dict, out_file: str | Path) -> dict:
    """Save the backbone weights of ``checkpoint`` (an mmseg model or a bare backbone) to
    ``out_file``, with every convolution whose input is narrower than in ``backbone`` (a backbone
    config) widened by zero weights. Returns the backbone's ``init_cfg`` that loads them."""
    state = torch.load(checkpoint, map_location='cpu', weights_only=True)
    state = state.get('state_dict', state)
    prefix = 'backbone.' if any(key.startswith('backbone.') for key in state) else ''
    state = {key[len(prefix):]: value for key, value in state.items() if key.startswith(prefix)}
    init_default_scope('mmseg')
    expected = MODELS.build(copy.deepcopy(backbone)).state_dict()
    for key, value in state.items():
        target = expected.get(key)
        if target is not None and value.ndim == 4 and value.shape[1] < target.shape[1] \
                and value.shape[0] == target.shape[0] and value.shape[2:] == target.shape[2:]:
            extra = value.new_zeros((value.shape[0], target.shape[1] - value.shape[1],
                                     *value.shape[2:]))
            state[key] = torch.cat([value, extra], dim=1)
            print_log(f'pretrained {key}: {value.shape[1]} -> {target.shape[1]} input channels',
                      logger='current')
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'state_dict': state}, out_file)
    return dict(type='Pretrained', checkpoint=str(out_file))
