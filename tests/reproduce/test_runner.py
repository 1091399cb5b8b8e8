"""The sticks config through mmengine's Runner: build, train, save, resume, predict."""
import pytest
import torch
from mmengine.runner import Runner

from reproduce.runner import best_checkpoint, load_config, train

CONFIG = 'reproduce/configs/sticks/discseg_unet_sticks.py'


def tiny_config(root, work_dir, max_iters):
    return load_config(CONFIG, work_dir=work_dir, data_root=root, num_workers=0, options={
        'train_dataloader.batch_size': 2,
        'train_cfg.max_iters': max_iters,
        'train_cfg.val_interval': max_iters,
        'default_hooks.checkpoint.interval': 2,
        'default_hooks.checkpoint.max_keep_ckpts': 5,
        'default_hooks.logger.interval': 1,
    })


def final_weights(work_dir):
    return torch.load(work_dir / 'iter_4.pth', map_location='cpu', weights_only=True)['state_dict']


def test_train_save_resume_reproduces_an_uninterrupted_run(tiny_sticks, tmp_path):
    straight, interrupted = tmp_path / 'straight', tmp_path / 'interrupted'
    train(tiny_config(tiny_sticks, straight, max_iters=4))
    train(tiny_config(tiny_sticks, interrupted, max_iters=2))
    assert (interrupted / 'iter_2.pth').exists()
    train(tiny_config(tiny_sticks, interrupted, max_iters=4))  # resumes from iter_2.pth
    for name, value in final_weights(straight).items():
        torch.testing.assert_close(final_weights(interrupted)[name], value, rtol=0, atol=0, msg=name)
    assert best_checkpoint(straight).exists()


def test_resume_continues_the_work_dir_and_load_from_only_initialises(tiny_sticks, tmp_path):
    init = tmp_path / 'init'
    train(tiny_config(tiny_sticks, init, max_iters=2))
    runs = {}
    for name, stops in (('straight', [4]), ('interrupted', [2, 4])):
        for max_iters in stops:
            cfg = tiny_config(tiny_sticks, tmp_path / name, max_iters=max_iters)
            cfg.load_from = str(init / 'iter_2.pth')  # e.g. a pretrained model, set on every call
            train(cfg)
        runs[name] = final_weights(tmp_path / name)
    for name, value in runs['straight'].items():
        torch.testing.assert_close(runs['interrupted'][name], value, rtol=0, atol=0, msg=name)


def test_trained_model_predicts_instance_maps(tiny_sticks, tmp_path):
    cfg = tiny_config(tiny_sticks, tmp_path, max_iters=2)
    runner = Runner.from_cfg(cfg)
    runner.train()
    runner.model.eval()
    batch = next(iter(runner.test_dataloader))
    with torch.no_grad():
        sample = runner.model.test_step(batch)[0]
    instance_map = sample.pred_instance_map.data
    assert instance_map.shape[-2:] == sample.gt_instance_map.data.shape[-2:] == (64, 64)
    assert instance_map.dtype == torch.long and instance_map.min() >= 0
    num_instances = int(instance_map.max())
    assert len(sample.pred_instances.scores) == len(sample.pred_instances.labels) == num_instances
    assert set(instance_map.unique().tolist()) <= set(range(num_instances + 1))


@pytest.mark.parametrize('remove,message', [
    (lambda cfg: cfg.model.pop('decode_head'), 'decode_head'),
    (lambda cfg: cfg.model.decode_head.pop('num_classes'), 'num_classes'),
])
def test_missing_config_key_fails_clearly(tiny_sticks, tmp_path, remove, message):
    cfg = tiny_config(tiny_sticks, tmp_path, max_iters=1)
    remove(cfg)
    with pytest.raises(Exception, match=message):
        Runner.from_cfg(cfg).train()
