"""tools/gpu_check/mmcv_partial_ops.py: cutting cudabind.cpp to the ops the suite uses."""
import pytest

from tools.gpu_check.mmcv_partial_ops import KEPT_KERNELS, kept_registrations, trim

# The layout of mmcv's cudabind.cpp: per op, declarations and wrappers, then its registrations.
CUDABIND = '''#include "pytorch_cpp_helper.hpp"
#include "pytorch_device_registry.hpp"

void other_forward_cuda(Tensor x);
void other_forward_impl(Tensor x);
REGISTER_DEVICE_IMPL(other_forward_impl, CUDA, other_forward_cuda);

Tensor nms_cuda(Tensor boxes);
Tensor nms_impl(Tensor boxes);
REGISTER_DEVICE_IMPL(nms_impl, CUDA, nms_cuda);

void nms_rotated_helper(Tensor x);
REGISTER_DEVICE_IMPL(nms_rotated_impl, CUDA,
                     nms_rotated_helper);

void roi_align_forward_cuda(Tensor x);
void roi_align_backward_cuda(Tensor x);
REGISTER_DEVICE_IMPL(roi_align_forward_impl, CUDA, roi_align_forward_cuda);
REGISTER_DEVICE_IMPL(roi_align_backward_impl, CUDA, roi_align_backward_cuda);

void roi_align_rotated_forward_cuda(Tensor x);
REGISTER_DEVICE_IMPL(roi_align_rotated_forward_impl, CUDA, roi_align_rotated_forward_cuda);
'''


def test_keeps_includes_and_the_chunks_of_the_used_ops_only():
    kept = kept_registrations(CUDABIND)
    assert kept.count('#include') == 2
    for wanted in ('nms_cuda(Tensor boxes)', 'REGISTER_DEVICE_IMPL(nms_impl,',
                   'roi_align_forward_cuda(Tensor x)', 'roi_align_backward_cuda(Tensor x)',
                   'REGISTER_DEVICE_IMPL(roi_align_forward_impl,',
                   'REGISTER_DEVICE_IMPL(roi_align_backward_impl,'):
        assert wanted in kept
    for dropped in ('other_forward', 'nms_rotated', 'roi_align_rotated'):
        assert dropped not in kept


def test_an_unknown_source_is_an_error():
    with pytest.raises(ValueError, match='no CUDA kernel for'):
        kept_registrations(CUDABIND.replace('nms_impl', 'renamed_impl'))


def test_trim_removes_the_unused_kernels(tmp_path):
    cuda_dir = tmp_path / 'mmcv' / 'ops' / 'csrc' / 'pytorch' / 'cuda'
    cuda_dir.mkdir(parents=True)
    (cuda_dir / 'cudabind.cpp').write_text(CUDABIND)
    for name in KEPT_KERNELS + ('deform_conv_cuda.cu', 'roi_align_rotated_cuda.cu'):
        (cuda_dir / name).write_text('// kernel\n')
    assert trim(tmp_path) == sorted(KEPT_KERNELS)
    assert 'other_forward' not in (cuda_dir / 'cudabind.cpp').read_text()


def test_trim_names_a_tree_that_is_not_mmcv(tmp_path):
    with pytest.raises(SystemExit, match='cudabind.cpp not found'):
        trim(tmp_path)
