"""Trim an unpacked mmcv 2.1.0 source tree so that its CUDA build compiles only the ops we use.

    python tools/gpu_check/mmcv_partial_ops.py MMCV_SOURCE_DIR

A full CUDA build compiles 58 ``.cu`` files and does not fit the GPU check's time limit. Every op
keeps its CPU implementation and its Python binding (``mmcv.ops`` checks at import time that all
of them exist in ``_ext``), but only the ops below get CUDA kernels: the others raise mmcv's "not
implemented on CUDA" error if called on a GPU. ``cudabind.cpp``, which registers every CUDA
kernel, is cut to the registrations of the kept ops.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# Mask R-CNN's RoIAlign and NMS: what the suite runs on a GPU. mmcv's segmentation and detection
# code and ours need no other CUDA op.
USED_OPS = ('nms', 'roi_align')
# Kernels that the dispatch ``.cpp`` files call directly under MMCV_WITH_CUDA (not through
# cudabind.cpp), so the extension does not load without them.
LINKED_DIRECTLY = ('nms_rotated_cuda.cu', 'nms_quadri_cuda.cu', 'spconv_ops_cuda.cu',
                   'sparse_indice.cu', 'sparse_maxpool.cu', 'sparse_reordering.cu')
KEPT_KERNELS = tuple(f'{op}_cuda.cu' for op in USED_OPS) + LINKED_DIRECTLY
# A chunk of cudabind.cpp ends with one registration: ``REGISTER_DEVICE_IMPL(impl, CUDA, fn);``.
REGISTRATION = re.compile(r'REGISTER_DEVICE_IMPL\(\s*(\w+)\s*,\s*CUDA\s*,\s*\w+\s*\);')


def kept_registrations(cudabind: str, ops: tuple[str, ...] = USED_OPS) -> str:
    """``cudabind``'s includes and the chunks (declarations, wrappers, registration) of ``ops``.

    An op's impl names are ``<op>_impl``, ``<op>_forward_impl`` or ``<op>_backward_impl``.
    """
    wanted = re.compile(rf'({"|".join(ops)})(_forward|_backward)?_impl$')
    includes = [line for line in cudabind.splitlines() if line.startswith('#include')]
    chunks, start = [], 0
    for match in REGISTRATION.finditer(cudabind):
        if wanted.match(match.group(1)):
            body = cudabind[start:match.end()]
            chunks.append('\n'.join(line for line in body.splitlines()
                                    if not line.startswith('#include')))
        start = match.end()
    found = {REGISTRATION.search(chunk).group(1) for chunk in chunks}
    missing = [op for op in ops if not any(wanted.match(name) and name.startswith(op)
                                            for name in found)]
    if missing:
        raise ValueError(f'cudabind.cpp registers no CUDA kernel for {missing}: not mmcv 2.1.0?')
    return '\n'.join(includes) + '\n' + '\n'.join(chunks) + '\n'


def trim(source: Path) -> list[str]:
    """Remove the unused kernels from ``source`` and cut cudabind.cpp; returns the kept kernels."""
    cuda_dir = source / 'mmcv' / 'ops' / 'csrc' / 'pytorch' / 'cuda'
    cudabind = cuda_dir / 'cudabind.cpp'
    if not cudabind.is_file():
        sys.exit(f'mmcv_partial_ops: {cudabind} not found: expected an unpacked mmcv 2.1.0 sdist')
    missing = [name for name in KEPT_KERNELS if not (cuda_dir / name).is_file()]
    if missing:
        sys.exit(f'mmcv_partial_ops: {cuda_dir} lacks {missing}: expected mmcv 2.1.0')
    cudabind.write_text(kept_registrations(cudabind.read_text()))
    for kernel in cuda_dir.glob('*.cu'):
        if kernel.name not in KEPT_KERNELS:
            kernel.unlink()
    return sorted(path.name for path in cuda_dir.glob('*.cu'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('source', type=Path, help='unpacked mmcv 2.1.0 sdist')
    kept = trim(parser.parse_args().source)
    print(f'mmcv_partial_ops: CUDA kernels kept: {", ".join(kept)}')


if __name__ == '__main__':
    main()
