"""The sticks config through mmengine's Runner: build, train, save, resume exactly, predict."""
import json
from pathlib import Path

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import Runner

from reproduce.runner import load_config, select_device, train, training_record

CONFIG = 'reproduce/configs/sticks/discseg_unet_1xb8-4k_sticks.py'
MASKRCNN_CONFIG = 'baselines/maskrcnn/configs/mask-rcnn_r18_fpn_gn-all_1xb4-4k_sticks.py'


class Interrupted(Exception):
    """Stands for a kill: raised by InterruptHook, caught by the test."""


@HOOKS.register_module()
class InterruptHook(Hook):
    """Raise at iteration ``at``: after its checkpoint (``where='train'``) or inside its
    validation, before the validation's effects are saved (``where='val'``)."""

    priority = 'HIGHEST'

    def __init__(self, at: int, where: str) -> None:
        self.at, self.where = at, where

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if self.where == 'train' and runner.iter + 1 == self.at + 1:
            raise Interrupted  # in iteration at + 1: iteration `at` is checkpointed and validated

    def after_val_epoch(self, runner, metrics=None):
        if self.where == 'val' and runner.iter == self.at:
            raise Interrupted


def tiny_config(root, work_dir, max_iters):
    return load_config(CONFIG, work_dir=work_dir, data_root=root, num_workers=0, options={
        'train_dataloader.batch_size': 2,
        'train_cfg.max_iters': max_iters,
        'train_cfg.val_interval': max_iters,
        'default_hooks.checkpoint.interval': 2,
        'default_hooks.checkpoint.max_keep_ckpts': 5,
        'default_hooks.logger.interval': 1,
    })


def stopping_config(config, root, work_dir, interrupt=None, **options):
    """Validation every 2 iterations, and a gain of 0.5 SBD needed: stops at the 2nd validation."""
    hooks = [dict(type='ResumableEarlyStoppingHook', monitor='sbd', rule='greater',
                  min_delta=0.5, patience=1)]
    if interrupt is not None:
        hooks.append(dict(type='InterruptHook', at=interrupt[0], where=interrupt[1]))
    return load_config(config, work_dir=work_dir, data_root=root, num_workers=0, options={
        'train_dataloader.batch_size': 2, 'train_cfg.max_iters': 10, 'train_cfg.val_interval': 2,
        'default_hooks.checkpoint.interval': 2, 'default_hooks.checkpoint.max_keep_ckpts': 10,
        'default_hooks.checkpoint.save_best': 'sbd', 'default_hooks.logger.interval': 1,
        'custom_hooks': hooks, **options})


def weights(path):
    return torch.load(path, map_location='cpu', weights_only=True)['state_dict']


MASKRCNN_SMALL = {'model.test_cfg.rpn.max_per_img': 50, 'model.test_cfg.rcnn.max_per_img': 10}


@pytest.mark.parametrize('config,options', [(CONFIG, {}), (MASKRCNN_CONFIG, MASKRCNN_SMALL)],
                         ids=['ours', 'maskrcnn'])
@pytest.mark.parametrize('interrupt', [(2, 'train'), (2, 'val')], ids=['after-iter', 'in-val'])
def test_resumed_run_stops_picks_and_ends_as_an_uninterrupted_one(tiny_sticks, tmp_path, config,
                                                                  options, interrupt):
    straight = train(stopping_config(config, tiny_sticks, tmp_path / 'straight', **options))
    with pytest.raises(Interrupted):
        train(stopping_config(config, tiny_sticks, tmp_path / 'resumed', interrupt, **options))
    resumed = train(stopping_config(config, tiny_sticks, tmp_path / 'resumed', **options))
    assert straight.stopped_by == resumed.stopped_by == 'early stopping'
    assert straight.iterations == resumed.iterations == 4
    assert resumed.validations == straight.validations
    assert Path(resumed.best_checkpoint).name == Path(straight.best_checkpoint).name
    last = {name: weights(tmp_path / name / 'iter_4.pth') for name in ('straight', 'resumed')}
    for key, value in last['straight'].items():
        torch.testing.assert_close(last['resumed'][key], value, rtol=0, atol=0, msg=key)


def test_best_checkpoint_is_chosen_by_score_not_by_name(tiny_sticks, tmp_path):
    record = train(stopping_config(CONFIG, tiny_sticks, tmp_path, **{
        'custom_hooks': [], 'train_cfg.max_iters': 4}))
    assert record.stopped_by == 'iteration budget' and record.iterations == 4
    scores = {entry['iteration']: entry['sbd'] for entry in record.validations}
    assert list(scores) == [2, 4]
    best_iteration = 2 if scores[2] >= scores[4] else 4
    assert Path(record.best_checkpoint).name == f'best_sbd_iter_{best_iteration}.pth'
    # A stray file that sorts after the real best as text is ignored.
    (tmp_path / 'best_sbd_iter_800.pth').write_bytes(b'')
    assert training_record(tmp_path, 4, 'sbd').best_checkpoint == record.best_checkpoint


def test_cuda_without_a_gpu_is_an_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(RuntimeError, match='no GPU'):
        select_device('cuda')
    assert select_device('auto') == 'cpu'
    with pytest.raises(ValueError, match="'auto', 'cpu' or 'cuda'"):
        select_device('tpu')


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
    assert Path(train(tiny_config(tiny_sticks, straight, max_iters=4)).best_checkpoint).exists()


def test_runs_in_one_process_log_their_curves_to_their_own_folders(tiny_sticks, tmp_path):
    for name in ('first', 'second'):
        cfg = tiny_config(tiny_sticks, tmp_path / name, max_iters=2)
        before = cfg.pretty_text
        train(cfg)
        # the config saved with the results must not depend on whether this process trained it
        assert cfg.pretty_text == before
    for name in ('first', 'second'):
        [scalars] = (tmp_path / name).glob('*/vis_data/scalars.json')
        steps = [json.loads(line)['step'] for line in scalars.read_text().splitlines()]
        assert steps == [1, 2, 2]  # two training iterations, then the validation


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

