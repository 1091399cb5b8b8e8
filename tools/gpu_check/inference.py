"""Inference per image of ours (network, then clustering) and of Mask R-CNN at the paper's sizes.

    python -m tools.gpu_check.inference [--device cuda] [--out FILE] [--repeats N] [--smoke]

Every model is built from the configs the experiments train, with random weights: the times are
those of the architectures, not of trained models (a trained Mask R-CNN keeps fewer detections, an
untrained one up to its 100 per image; our clustering's cost depends on how the embeddings
spread). Inputs are random tensors of the network's input size; outputs come back at the original
image size, where both methods are scored, as in ``reproduce.evaluate``. Batch 1, median of
``--repeats`` passes after two warm-up passes.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import DefaultScope

from reproduce.benchmarks.common import machine_info
from reproduce.profiles import CITYSCAPES_MASKRCNN, CITYSCAPES_OURS, CVPPP_PROFILES
from reproduce.sticks import METHODS

CVPPP = CVPPP_PROFILES['default'].configs
STICKS_OURS, STICKS_MASKRCNN = METHODS['ours'].config, METHODS['maskrcnn'].config
# name: (config, scope, network input (h, w), original image (h, w)); the paper's sizes.
CASES = {
    'cityscapes_ours': (CITYSCAPES_OURS, 'mmseg', (384, 768), (1024, 2048)),
    'cityscapes_maskrcnn': (CITYSCAPES_MASKRCNN, 'mmdet', (1024, 2048), (1024, 2048)),
    'cvppp_ours': (CVPPP['ours'], 'mmseg', (512, 512), (530, 500)),
    'cvppp_maskrcnn': (CVPPP['maskrcnn'], 'mmdet', (512, 512), (530, 500)),
    'sticks_ours': (STICKS_OURS, 'mmseg', (256, 256), (256, 256)),
    'sticks_maskrcnn': (STICKS_MASKRCNN, 'mmdet', (256, 256), (256, 256)),
}
SMOKE_CASES = {  # the plumbing on a CPU: small networks at small sizes
    'sticks_ours': (STICKS_OURS, 'mmseg', (64, 64), (64, 64)),
    'sticks_maskrcnn': (STICKS_MASKRCNN, 'mmdet', (64, 64), (64, 64)),
}


def build(config: Path, scope: str, device: str) -> torch.nn.Module:
    """The config's model with random weights, in eval mode, BN instead of SyncBN."""
    cfg = Config.fromfile(str(config))
    if scope == 'mmseg':
        import discseg  # noqa: F401  (registers our model)
        from mmseg.registry import MODELS
    else:
        import baselines.maskrcnn  # noqa: F401  (registers the adapters its configs name)
        from mmdet.registry import MODELS
    return revert_sync_batchnorm(MODELS.build(cfg.model)).to(device).eval()


def data_sample(scope: str, input_hw: tuple[int, int], original_hw: tuple[int, int]):
    """The metainfo that maps the network's input back to the original image."""
    if scope == 'mmseg':
        from mmseg.structures import SegDataSample
        return SegDataSample(metainfo=dict(img_shape=input_hw, ori_shape=original_hw,
                                           pad_shape=input_hw, padding_size=[0, 0, 0, 0],
                                           flip=False))
    from mmdet.structures import DetDataSample
    scale = (input_hw[1] / original_hw[1], input_hw[0] / original_hw[0])
    return DetDataSample(metainfo=dict(img_shape=input_hw, ori_shape=original_hw,
                                       pad_shape=input_hw, batch_input_shape=input_hw,
                                       scale_factor=scale))


def _elapsed(start: float, device: str) -> float:
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def time_case(config: Path, scope: str, input_hw: tuple[int, int], original_hw: tuple[int, int],
              device: str, repeats: int) -> dict:
    """Median ms per image of the network and (ours) the clustering; instances found."""
    with DefaultScope.overwrite_default_scope(scope):
        model = build(config, scope, device)
        channels = model.data_preprocessor.mean.numel() if getattr(
            model.data_preprocessor, 'mean', None) is not None else 3
        inputs = torch.randn(1, channels, *input_hw, device=device)
        network_ms, post_ms, instances = [], [], 0
        two_part = hasattr(model, 'predict_outputs')
        if device.startswith('cuda'):
            torch.cuda.reset_peak_memory_stats()
        with torch.no_grad():
            for index in range(repeats + 2):  # two warm-up passes
                samples = [data_sample(scope, input_hw, original_hw)]
                start = time.perf_counter()
                if two_part:
                    samples = model.predict_outputs(inputs, samples)
                    network = _elapsed(start, device)
                    samples = model.segment_instances(samples)
                    instances = len(samples[0].pred_instances)
                else:
                    samples = model.predict(inputs, samples)
                    network = _elapsed(start, device)
                    instances = len(samples[0].pred_instances)
                total = _elapsed(start, device)
                if index >= 2:
                    network_ms.append(1000 * network)
                    post_ms.append(1000 * (total - network))
    return {
        'config': str(config), 'input_hw': list(input_hw), 'original_hw': list(original_hw),
        'input_channels': channels, 'timed_passes': repeats,
        'network_ms': statistics.median(network_ms),
        'postprocess_ms': statistics.median(post_ms) if two_part else None,
        'postprocess_note': None if two_part else 'NMS and mask pasting are inside network_ms',
        'instances_last_pass': instances,
        'peak_memory_GB': (torch.cuda.max_memory_allocated() / 1e9
                           if device.startswith('cuda') else None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--out', type=Path, default=Path('work_dirs/gpu_check/inference.json'))
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--smoke', action='store_true', help='small sizes and 1 pass, for a CPU')
    args = parser.parse_args()

    cases, repeats = (SMOKE_CASES, 1) if args.smoke else (CASES, args.repeats)
    report = {'machine': machine_info(), 'device': args.device, 'smoke': args.smoke,
              'weights': 'random (architecture timing only)', 'cases': {}}
    for name, case in cases.items():
        print(f'[inference] {name}', flush=True)
        report['cases'][name] = time_case(*case, device=args.device, repeats=repeats)
        print(f'[inference] {name}: {json.dumps(report["cases"][name])}', flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + '\n')  # each case as soon as it ends


if __name__ == '__main__':
    main()
