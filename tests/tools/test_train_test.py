"""tools/train.py and tools/test.py as OpenMMLab users call them: one process, and two under
torchrun (CPU, gloo), whose ranks end with identical weights equal to one process's with the
same global batch (DDP averages the ranks' gradients)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
OURS = 'reproduce/configs/sticks/discseg_unet_1xb8-4k_sticks.py'
MASKRCNN = 'baselines/maskrcnn/configs/mask-rcnn_r18_fpn_gn-all_1xb4-4k_sticks.py'
# GroupNorm instead of BatchNorm: per-rank batch statistics would differ from one process's.
OURS_GN = ['model.backbone.norm_cfg.type=GN', 'model.backbone.norm_cfg.num_groups=8',
           'model.decode_head.norm_cfg.type=GN', 'model.decode_head.norm_cfg.num_groups=8']


def options(data_root, batch_size, iterations=2, extra=()):
    return ['--cfg-options', *[f'{loader}.dataset.data_root={data_root}' for loader in
                               ('train_dataloader', 'val_dataloader', 'test_dataloader')],
            *[f'{loader}.num_workers=0' for loader in
              ('train_dataloader', 'val_dataloader', 'test_dataloader')],
            *[f'{loader}.persistent_workers=False' for loader in
              ('train_dataloader', 'val_dataloader', 'test_dataloader')],
            f'train_dataloader.batch_size={batch_size}', f'train_cfg.max_iters={iterations}',
            f'train_cfg.val_interval={iterations}',
            f'default_hooks.checkpoint.interval={iterations}',
            'env_cfg.dist_cfg.backend=gloo', 'randomness.seed=0', *extra]


# For the comparison with one process: no random flips (each rank draws its own) and plain SGD
# (Adam's first steps divide by the gradient's own size, which magnifies rounding).
DETERMINISTIC = ("train_dataloader = dict(dataset=dict(pipeline=[dict(type='LoadImageFromFile'), "
                 "dict(type='LoadInstanceAnnotations'), dict(type='PackInstanceInputs')]))\n"
                 "optim_wrapper = dict(optimizer=dict(_delete_=True, type='SGD', lr=0.01))\n")


def with_rank_weights(config, folder, extra=''):
    """``config`` plus the hook that writes each rank's weights."""
    path = Path(folder) / f'{Path(config).stem}_rank_weights.py'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"_base_ = ['{ROOT / config}']\n"
                    "custom_imports = dict(imports=['discseg', 'baselines.maskrcnn', "
                    "'rank_weights'], allow_failed_imports=False)\n"
                    "custom_hooks = [dict(type='RankWeightsHook')]\n" + extra)
    return str(path)


def run(command, **env):
    environment = {**os.environ, 'PYTHONPATH': f'{ROOT}:{ROOT / "tests" / "tools"}',
                   'CUDA_VISIBLE_DEVICES': '', 'OMP_NUM_THREADS': '1', **env}
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def weights(path):
    return torch.load(path, map_location='cpu', weights_only=True)


def torchrun(config, work_dir, data_root, batch_size, iterations=2, extra=(), config_extra=''):
    return run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
                '--master_port', str(29500 + os.getpid() % 1000), 'tools/train.py',
                with_rank_weights(config, work_dir.parent, config_extra),
                '--launcher', 'pytorch', '--work-dir', str(work_dir),
                *options(data_root, batch_size, iterations, extra=extra)])


def test_train_then_test_one_config(tiny_sticks, tmp_path):
    run([sys.executable, 'tools/train.py', OURS, '--work-dir', str(tmp_path),
         *options(tiny_sticks, batch_size=2)])
    output = run([sys.executable, 'tools/test.py', OURS, str(tmp_path / 'iter_2.pth'),
                  '--work-dir', str(tmp_path / 'test'), *options(tiny_sticks, batch_size=2)])
    metrics = json.loads(output[output.rindex('\n{\n') + 1:])
    assert 0 <= metrics['sbd'] <= 1 and 'mask_ap' in metrics
    with pytest.raises(AssertionError, match='pass --resume'):
        run([sys.executable, 'tools/train.py', OURS, '--work-dir', str(tmp_path),
             *options(tiny_sticks, batch_size=2)])


def test_two_processes_average_like_one_with_the_global_batch(tiny_sticks, tmp_path):
    """One SGD step: two ranks of one image each end where one process with both images ends
    (up to float rounding of the batch sums: 1e-5), and far from one process with one image."""
    torchrun(OURS, tmp_path / 'ddp', tiny_sticks, batch_size=1, iterations=1,
             extra=OURS_GN, config_extra=DETERMINISTIC)
    for name, batch_size in (('both', 2), ('first', 1)):
        run([sys.executable, 'tools/train.py', with_rank_weights(OURS, tmp_path, DETERMINISTIC),
             '--work-dir', str(tmp_path / name),
             *options(tiny_sticks, batch_size=batch_size, iterations=1, extra=OURS_GN)])
    rank0, rank1 = (weights(tmp_path / 'ddp' / f'rank{r}_weights.pth') for r in (0, 1))
    both, first = (weights(tmp_path / name / 'rank0_weights.pth') for name in ('both', 'first'))
    far = 0.0
    for name, value in rank0.items():
        torch.testing.assert_close(rank1[name], value, rtol=0, atol=0, msg=name)
        torch.testing.assert_close(value, both[name], rtol=0, atol=1e-5, msg=name)
        if value.is_floating_point():
            far = max(far, (value - first[name]).abs().max().item())
    assert far > 1e-3


@pytest.mark.slow
def test_two_processes_train_mask_rcnn_with_identical_ranks(tiny_sticks, tmp_path):
    """Mask R-CNN's samplers draw per rank, so only the ranks' agreement is checked."""
    torchrun(MASKRCNN, tmp_path / 'ddp', tiny_sticks, batch_size=1,
             extra=['model.test_cfg.rpn.max_per_img=50', 'model.test_cfg.rcnn.max_per_img=10'])
    rank0, rank1 = (weights(tmp_path / 'ddp' / f'rank{r}_weights.pth') for r in (0, 1))
    for name, value in rank0.items():
        torch.testing.assert_close(rank1[name], value, rtol=0, atol=0, msg=name)
