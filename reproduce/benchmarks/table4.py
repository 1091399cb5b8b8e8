"""Table 4 without the data: parameters, forward fps and peak memory of the four networks.

    python -m reproduce.benchmarks.table4 [--repeats 20] [--out results/table4/cpu.json]

Each network of ``reproduce.profiles.TABLE4_NETWORKS`` at each of the paper's three input sizes,
on the device at hand (a GPU when present): the number of parameters of the whole network as it
runs at test time (backbone and both branches of the head, as the paper counts a network), the
median time of a batch-1 forward pass (no clustering) after warm-up, and the peak memory of building
the network and one forward pass. The paper measured on a Titan X; these numbers say what the
networks cost on the machine that ran them, which the JSON records (CPU model, threads, GPU name).
The car AP columns need the Cityscapes data (``python -m reproduce cityscapes --data-root DIR``).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import torch

from discseg.fileio import write_atomic
from reproduce.benchmarks.common import machine_info
from reproduce.profiles import PAPER_SIZES, TABLE4_NETWORKS

# The paper's network each of ours stands in for (mmseg has none of the paper's four).
PAPER_COUNTERPART = {'ERFNet': 'ENet', 'ResNet-18-D8': 'SegNet', 'ResNet-50-D8': 'Dilation',
                     'ResNet-101-D8': 'ResNet38'}


def size_name(size: tuple[int, int]) -> str:
    return f'{size[0]}x{size[1]}'


def _resident_bytes(field_name: str) -> int:
    with open('/proc/self/status') as status:
        line = next(line for line in status if line.startswith(field_name))
    return int(line.split()[1]) * 1024


def measure_network(config: Path, size: tuple[int, int], repeats: int, warmup: int = 1,
                    max_seconds: float = 30.0) -> dict:
    """Parameters, forward-pass fps (batch 1, no clustering) and peak memory of one network.

    Each network is measured in a fresh process, so no allocator cache left by another one hides
    its memory. Memory is what building the network and one forward pass add at their peak,
    weights included (the paper's "memory" includes them): on a GPU the allocator's peak, on a CPU
    the growth of the process's peak resident size. Timing stops early once ``max_seconds`` of
    timed passes are spent (so a slow CPU still finishes); ``timed_passes`` says how many counted.
    """
    context = multiprocessing.get_context('spawn')
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_measure, str(config), tuple(size), repeats, warmup,
                           max_seconds).result()


def _measure(config: str, size: tuple[int, int], repeats: int, warmup: int,
             max_seconds: float) -> dict:
    from mmengine.config import Config
    from mmengine.model import revert_sync_batchnorm
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    import discseg  # noqa: F401  (registers the model)

    init_default_scope('mmseg')
    cuda = torch.cuda.is_available()
    device = torch.device('cuda' if cuda else 'cpu')
    cfg = Config.fromfile(config)
    if cuda:
        start_bytes = torch.cuda.memory_allocated()
    else:
        with open('/proc/self/clear_refs', 'w') as clear_refs:
            clear_refs.write('5')  # peak resident size := current resident size
        start_bytes = _resident_bytes('VmRSS')
    model = revert_sync_batchnorm(MODELS.build(cfg.model)).to(device).eval()
    inputs = torch.randn(1, 3, size[1], size[0], device=device)
    times = []
    with torch.no_grad():
        for index in range(warmup + repeats):
            if cuda:
                torch.cuda.synchronize()
            start = time.perf_counter()
            model._forward(inputs)
            if cuda:
                torch.cuda.synchronize()
            if index >= warmup:
                times.append(time.perf_counter() - start)
            if sum(times) > max_seconds:
                break
    peak = torch.cuda.max_memory_allocated() if cuda else _resident_bytes('VmHWM')
    return {
        'parameters_M': sum(p.numel() for p in model.parameters()) / 1e6,
        'backbone_parameters_M': sum(p.numel() for p in model.backbone.parameters()) / 1e6,
        'fps': 1.0 / statistics.median(times),
        'memory_GB': (peak - start_bytes) / 1e9,
        'timed_passes': len(times),
        'device': (torch.cuda.get_device_name() if cuda
                   else f'CPU, {torch.get_num_threads()} threads'),
    }


def measure_networks(networks: Mapping[str, Path], sizes: tuple[tuple[int, int], ...],
                     repeats: int, warmup: int = 1, max_seconds: float = 30.0) -> list[dict]:
    """One row per (network, input size), light networks first."""
    rows = []
    for network, config in networks.items():
        for size in sizes:
            print(f'  {network} at {size_name(size)}', file=sys.stderr, flush=True)
            rows.append({'network': network, 'paper_network': PAPER_COUNTERPART.get(network),
                         'input': size_name(size),
                         **measure_network(config, size, repeats, warmup, max_seconds)})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeats', type=int, default=20, help='timed passes per network and size')
    parser.add_argument('--warmup', type=int, default=3, help='untimed passes first')
    parser.add_argument('--max-seconds', type=float, default=60.0,
                        help='stop timing a network and size after this many seconds of passes')
    parser.add_argument('--sizes', nargs='+', default=[size_name(s) for s in PAPER_SIZES],
                        help="input sizes WxH (default: the paper's three)")
    parser.add_argument('--networks', nargs='+', choices=list(TABLE4_NETWORKS),
                        default=list(TABLE4_NETWORKS))
    parser.add_argument('--out', type=Path, default=None,
                        help='default: results/table4/cuda.json on a GPU, else '
                             'results/table4/cpu.json')
    args = parser.parse_args(argv)
    sizes = tuple(tuple(int(v) for v in size.split('x')) for size in args.sizes)
    out = args.out or Path('results/table4') / ('cuda.json' if torch.cuda.is_available()
                                               else 'cpu.json')
    start = time.time()
    rows = measure_networks({name: TABLE4_NETWORKS[name] for name in args.networks}, sizes,
                            args.repeats, args.warmup, args.max_seconds)
    report = {
        'command': ' '.join(['python -m reproduce.benchmarks.table4', *(argv or sys.argv[1:])]),
        'machine': machine_info(),
        'protocol': f'batch 1, forward pass only, median of up to {args.repeats} passes after '
                    f'{args.warmup} warm-up passes (at most {args.max_seconds:g} s of passes), '
                    'each network in a fresh process',
        'wall_seconds': time.time() - start,
        'rows': rows,
    }
    write_atomic(out, json.dumps(report, indent=2) + '\n')
    print(f'{out} written in {report["wall_seconds"]:.0f} s')


if __name__ == '__main__':
    main()
