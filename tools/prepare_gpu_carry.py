"""Fill ``gpu_carry/`` with what the offline GPU check installs, and check it fits the transfer limit.

    python tools/prepare_gpu_carry.py [--dest gpu_carry] [--python-version 3.12] [--limit-mib 64]

The GPU machine (README, "GPU") has Python, CUDA torch and the scientific stack but no OpenMMLab
packages and no network. This script resolves, from the distributions installed in *this* venv
(the tested pins of requirements*.txt), every package the suite needs that the target lacks, and
downloads their wheels for the target's Python (``--no-deps``: pip never resolves on the target)
plus the mmcv sdist, whose ops are compiled there against the local CUDA torch. The folder and the
rest of the working tree must stay under what one device call carries, so the size is checked
last and an oversized folder is an error. Idempotent: files already downloaded are kept.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENT_FILES = ('requirements.txt', 'requirements-dev.txt')
MIB = 1024 * 1024
# Built on the target, against its CUDA torch: mmcv 2.1.0 has no wheel for it.
SOURCE_ONLY = {'mmcv'}
# What the target image already holds (its documented package list, trimmed to what this suite
# can pull in). opencv-python-headless there provides the cv2 that opencv-python would.
TARGET_HAS = {canonicalize_name(name) for name in (
    'torch', 'numpy', 'scipy', 'pandas', 'matplotlib', 'h5py', 'opencv-python',
    'opencv-python-headless', 'scikit-learn', 'pytest', 'pillow', 'pyyaml', 'packaging',
    'requests', 'tqdm', 'six', 'rich', 'regex', 'markdown-it-py', 'mdurl', 'pygments',
    'python-dateutil', 'pytz', 'tzdata', 'contourpy', 'cycler', 'fonttools', 'kiwisolver',
    'pyparsing', 'joblib', 'threadpoolctl', 'certifi', 'charset-normalizer', 'idna', 'urllib3',
    'pluggy', 'iniconfig', 'filelock', 'fsspec', 'jinja2', 'markupsafe', 'networkx', 'sympy',
    'mpmath', 'typing-extensions', 'setuptools', 'wheel', 'ninja', 'cmake', 'pip')}
# Backports of the standard library that Python 3.12 must not shadow.
STDLIB_BACKPORTS = {'typing'}
PLATFORMS = ('manylinux_2_28_x86_64', 'manylinux_2_27_x86_64', 'manylinux_2_17_x86_64',
             'manylinux2014_x86_64', 'manylinux1_x86_64')


def requirement_roots(root: Path = ROOT) -> list[str]:
    """Names pinned in the requirement files, in file order."""
    names = []
    for file_name in REQUIREMENT_FILES:
        for line in (root / file_name).read_text().splitlines():
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(Requirement(line).name)
    return names


def resolve(roots: list[str], python_version: str) -> dict[str, str]:
    """``{name: version}`` of ``roots`` and their needs, walked through the installed metadata,
    skipping what the target holds; markers are evaluated for ``python_version``."""
    environment = {'python_version': python_version, 'python_full_version': f'{python_version}.0',
                   'sys_platform': 'linux', 'platform_system': 'Linux', 'extra': ''}
    found: dict[str, str] = {}
    pending = list(roots)
    while pending:
        name = canonicalize_name(pending.pop())
        if name in found or name in TARGET_HAS or name in STDLIB_BACKPORTS:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            sys.exit(f'prepare_gpu_carry: {name} is needed but not installed in {sys.prefix}; '
                     f'run `bash reproduce/env.sh` first (the carry is resolved from that venv)')
        found[name] = dist.version
        for requirement in map(Requirement, dist.requires or []):
            if requirement.marker is None or requirement.marker.evaluate(environment):
                pending.append(requirement.name)
    return dict(sorted(found.items()))


def download(pins: dict[str, str], dest: Path, python_version: str) -> None:
    """Wheels of every pin but ``SOURCE_ONLY`` for ``python_version`` on manylinux x86_64; sdists
    of those."""
    pip = [sys.executable, '-m', 'pip', 'download', '--no-deps', '--quiet', '-d', str(dest)]
    wheels = [f'{name}=={version}' for name, version in pins.items() if name not in SOURCE_ONLY]
    platforms = [arg for platform in PLATFORMS for arg in ('--platform', platform)]
    subprocess.run(pip + ['--only-binary=:all:', '--python-version', python_version,
                          '--implementation', 'cp', *platforms, *wheels], check=True)
    sources = [f'{name}=={version}' for name, version in pins.items() if name in SOURCE_ONLY]
    if sources:  # no isolation: mmcv's setup.py imports torch even to report its metadata
        subprocess.run(pip + ['--no-binary=:all:', '--no-build-isolation', *sources], check=True)


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob('*') if path.is_file())


def tree_bytes(root: Path = ROOT) -> int:
    """Bytes of the files a device call sends besides the carry: tracked and untracked,
    not-ignored files of the worktree."""
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                            cwd=root, capture_output=True, check=True).stdout
    paths = (root / name for name in listed.decode().split('\0') if name)
    return sum(path.stat().st_size for path in paths if path.is_file())


def check_size(folder: Path, limit_bytes: int, other_bytes: int = 0) -> int:
    """Bytes of ``folder``; exits with a clear message when it and ``other_bytes`` (the rest of
    the working tree) exceed ``limit_bytes``."""
    size = folder_bytes(folder)
    if size + other_bytes > limit_bytes:
        sys.exit(f'prepare_gpu_carry: {folder} holds {size / MIB:.1f} MiB and the rest of the '
                 f'working tree {other_bytes / MIB:.1f} MiB: {(size + other_bytes) / MIB:.1f} MiB '
                 f'in all, over the {limit_bytes / MIB:.1f} MiB one device call carries')
    return size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dest', type=Path, default=ROOT / 'gpu_carry')
    parser.add_argument('--python-version', default='3.12',
                        help="the target's Python (3.11 to rehearse the install here)")
    parser.add_argument('--limit-mib', type=float, default=64.0)
    parser.add_argument('--check-only', action='store_true', help='only check the size')
    args = parser.parse_args(argv)

    limit = int(args.limit_mib * MIB)
    if not args.check_only:
        pins = resolve(requirement_roots(), args.python_version)
        print(f'prepare_gpu_carry: {len(pins)} packages for Python {args.python_version}: '
              + ', '.join(f'{n}=={v}' for n, v in pins.items()), flush=True)
        args.dest.mkdir(parents=True, exist_ok=True)
        download(pins, args.dest, args.python_version)
        commit = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'],
                                    cwd=ROOT, capture_output=True, text=True).stdout.strip())
        # The device machine gets the working tree without .git: the check reads the commit here.
        (args.dest / 'manifest.json').write_text(json.dumps({
            'python_version': args.python_version, 'packages': pins,
            'commit': commit, 'uncommitted_changes': dirty}, indent=2) + '\n')
    size = check_size(args.dest, limit, tree_bytes())
    print(f'prepare_gpu_carry: {args.dest} holds {size / MIB:.1f} MiB '
          f'(limit {args.limit_mib:g} MiB with the working tree)')


if __name__ == '__main__':
    main()
