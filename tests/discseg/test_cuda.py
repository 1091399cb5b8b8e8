"""CUDA against the CPU: the loss, the clustering, our segmentor's predict, and a few training
iterations of ours and of Mask R-CNN. Skipped without a GPU; `tools/gpu_check.sh` runs them on one.

Tolerances. Both devices compute in float32 (TF32 off, see ``fp32_on_cuda``), so they differ only
in the order of their reductions: about 1e-6 relative per value, which 1e-5 covers. Network
outputs go through tens of layers (1e-4). Training losses are compared step by step; each step
feeds its rounding into the next weights, so later steps get 1e-3 (ours) and 1e-2 (Mask R-CNN,
whose box assignment by IoU thresholds can flip for a box right at a threshold). Both samplers
(our clustering's pixel sample, mmdet's RoI sampling) draw on the CPU generator, so the two
devices see the same samples.
"""
import copy

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.model import revert_sync_batchnorm
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope

from discseg.clustering import cluster
from discseg.evaluation.cvppp import symmetric_best_dice
from discseg.models.losses import DiscriminativeLoss
from reproduce.benchmarks.clustering import make_case

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')

OURS = 'reproduce/configs/sticks/discseg_unet_1xb8-4k_sticks.py'
MASKRCNN = 'baselines/maskrcnn/configs/mask-rcnn_r18_fpn_gn-all_1xb4-4k_sticks.py'
TRAINING_STEPS = 3


@pytest.fixture(autouse=True)
def fp32_on_cuda():
    """TF32 matmuls and convolutions (cuDNN's default) differ from the CPU by ~1e-3."""
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


@pytest.mark.parametrize('per_class', [False, True])
def test_loss_and_gradient_match_cpu(per_class):
    generator = torch.Generator().manual_seed(0)
    embeddings = torch.randn(2, 8, 32, 32, generator=generator)
    blocks = torch.randint(0, 6, (2, 4, 4), generator=generator)  # 0 = background
    ids = blocks.repeat_interleave(8, 1).repeat_interleave(8, 2)
    if per_class:
        ids = torch.where(ids > 0, (ids % 2 + 1) * 1000 + ids, 0)  # two classes of instances
    loss = DiscriminativeLoss(delta_v=0.5, delta_d=1.5, per_class=per_class, label_divisor=1000)
    results = {}
    for device in ('cpu', 'cuda'):
        inputs = embeddings.to(device).requires_grad_()
        value = loss(inputs, ids.to(device))
        value.backward()
        results[device] = value.detach().cpu(), inputs.grad.cpu()
    torch.testing.assert_close(results['cuda'][0], results['cpu'][0], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(results['cuda'][1], results['cpu'][1], rtol=1e-5, atol=1e-7)


def test_clustering_recovers_a_zero_loss_map_on_cuda():
    """A 512x1024 map of 40 instances whose embeddings a zero loss would give: every instance is
    recovered on both devices, and the two maps agree."""
    embeddings, mask, gt = make_case(512, 1024, 40, 0.5, seed=0)
    cpu = cluster(embeddings, mask, 1.5).numpy()
    on_cuda = cluster(embeddings.cuda(), mask.cuda(), 1.5)
    assert on_cuda.device.type == 'cuda'
    on_cuda = on_cuda.cpu().numpy()
    assert symmetric_best_dice(cpu, gt) == pytest.approx(1.0)
    assert symmetric_best_dice(on_cuda, gt) == pytest.approx(1.0)
    np.testing.assert_array_equal(on_cuda, cpu)  # same sample, same discovery order


def build_model(config: str, scope: str, seed: int = 0) -> torch.nn.Module:
    cfg = Config.fromfile(config)
    torch.manual_seed(seed)
    if scope == 'mmseg':
        import discseg  # noqa: F401
        from mmseg.registry import MODELS
    else:
        import baselines.maskrcnn  # noqa: F401
        from mmdet.registry import MODELS
    model = revert_sync_batchnorm(MODELS.build(cfg.model))
    model.init_weights()
    return model


def sticks_batch(tiny_sticks, config: str, scope: str, size: int = 4) -> dict:
    """The first ``size`` training images through the config's pipeline without random flips."""
    cfg = Config.fromfile(config)
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg.data_root = str(tiny_sticks)
    dataset_cfg.pipeline = [t for t in dataset_cfg.pipeline if t.type != 'RandomFlip']
    if scope == 'mmseg':
        from mmseg.registry import DATASETS
    else:
        from mmdet.registry import DATASETS
    dataset = DATASETS.build(dataset_cfg)
    return pseudo_collate([dataset[index] for index in range(size)])


def test_segmentor_predict_matches_cpu():
    with DefaultScope.overwrite_default_scope('mmseg'):
        from mmseg.structures import SegDataSample
        model = build_model(OURS, 'mmseg').eval()
        image = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(1)) * 255
        outputs = {}
        for device in ('cpu', 'cuda'):
            model.to(device)
            batch = {'inputs': [image[0].to(torch.uint8)],
                     'data_samples': [SegDataSample(metainfo=dict(
                         img_shape=(64, 64), ori_shape=(64, 64), pad_shape=(64, 64),
                         padding_size=[0, 0, 0, 0], flip=False))]}
            with torch.no_grad():
                sample = model.test_step(batch)[0]
            outputs[device] = (sample.seg_logits.data.cpu(),
                               sample.pred_instance_map.data[0].cpu().numpy())
    torch.testing.assert_close(outputs['cuda'][0], outputs['cpu'][0], rtol=1e-4, atol=1e-4)
    assert symmetric_best_dice(outputs['cuda'][1], outputs['cpu'][1]) >= 0.99


def training_losses(model: torch.nn.Module, batch: dict, device: str, lr: float) -> list[dict]:
    """Losses of ``TRAINING_STEPS`` SGD steps of a copy of ``model`` on ``device``."""
    model = copy.deepcopy(model).to(device).train()
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9))
    torch.manual_seed(0)  # the samplers' CPU generator, alike on both devices
    steps = []
    for _ in range(TRAINING_STEPS):
        log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
        steps.append({name: float(value) for name, value in log_vars.items()})
    return steps


def assert_same_training(cpu: list[dict], on_cuda: list[dict], later_rtol: float) -> None:
    for step, (expected, actual) in enumerate(zip(cpu, on_cuda)):
        assert actual.keys() == expected.keys()
        for name, value in expected.items():
            assert np.isfinite(actual[name]), (step, name)
            rtol = 1e-4 if step == 0 else later_rtol
            assert actual[name] == pytest.approx(value, rel=rtol, abs=1e-5), (step, name)


def test_training_steps_of_ours_match_cpu(tiny_sticks):
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = build_model(OURS, 'mmseg')
        batch = sticks_batch(tiny_sticks, OURS, 'mmseg')
        assert_same_training(training_losses(model, batch, 'cpu', lr=0.01),
                             training_losses(model, batch, 'cuda', lr=0.01), later_rtol=1e-3)


def test_training_steps_of_maskrcnn_match_cpu(tiny_sticks):
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = build_model(MASKRCNN, 'mmdet')
        batch = sticks_batch(tiny_sticks, MASKRCNN, 'mmdet')
        assert_same_training(training_losses(model, batch, 'cpu', lr=0.005),
                             training_losses(model, batch, 'cuda', lr=0.005), later_rtol=1e-2)
