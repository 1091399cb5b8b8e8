"""A hook for the multi-process tests: each rank writes its final weights to the work dir."""
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS


@HOOKS.register_module()
class RankWeightsHook(Hook):
    def after_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        torch.save(model.state_dict(), f'{runner.work_dir}/rank{get_rank()}_weights.pth')
