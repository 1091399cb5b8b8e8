"""summary.json of a GPU check, and the machine it ran on stamped into every part's JSON.

The device machine gets the working tree without .git, so the commit is the one that
tools/prepare_gpu_carry.py recorded in the carry's manifest.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
from pathlib import Path

import torch


def environment(carry: Path) -> dict:
    """GPU, torch, CUDA, Python, nvcc and the commit the results belong to."""
    manifest_path = carry / 'manifest.json'
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    try:
        nvcc = subprocess.run(['nvcc', '--version'], capture_output=True, text=True).stdout
        nvcc = nvcc.strip().splitlines()[-1] if nvcc.strip() else None
    except OSError:
        nvcc = None
    cuda = torch.cuda.is_available()
    return {
        'gpu': torch.cuda.get_device_name() if cuda else None,
        'compute_capability': '%d.%d' % torch.cuda.get_device_capability() if cuda else None,
        'torch': torch.__version__,
        'torch_cuda': torch.version.cuda,
        'nvcc': nvcc,
        'python': platform.python_version(),
        'commit': manifest.get('commit', 'unknown'),
        'uncommitted_changes': manifest.get('uncommitted_changes'),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--parts', type=Path, required=True, help='JSON lines, one per step')
    parser.add_argument('--carry', type=Path, required=True)
    parser.add_argument('--out', type=Path, required=True)
    parser.add_argument('--seconds', type=int, required=True)
    parser.add_argument('--gpu', type=int, choices=(0, 1), required=True)
    args = parser.parse_args()

    env = environment(args.carry)
    for result in args.out.parent.glob('*.json'):
        if result != args.out:
            report = json.loads(result.read_text())
            result.write_text(json.dumps({'gpu_check_environment': env, **report}, indent=2) + '\n')
    parts = [json.loads(line) for line in args.parts.read_text().splitlines() if line.strip()]
    summary = {'environment': env, 'on_gpu': bool(args.gpu), 'total_seconds': args.seconds,
               'parts': parts, 'all_ok': all(part['status'] == 'ok' for part in parts)}
    args.out.write_text(json.dumps(summary, indent=2) + '\n')
    print(json.dumps(summary, indent=2))


if __name__ == '__main__':
    main()
