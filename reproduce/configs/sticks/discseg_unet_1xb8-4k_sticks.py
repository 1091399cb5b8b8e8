# Scattered sticks (paper Sec. 3.3, Fig. 4): a small UNet with an embedding head, trained from scratch.
# The paper gives no recipe for this experiment; every choice here and in the bases is listed in
# the README's "Deviations and choices". Profiles (smoke / default / paper) override sizes in
# reproduce/profiles.py.
_base_ = [
    '../_base_/models/discseg_unet.py', '../_base_/datasets/sticks.py',
    '../_base_/default_runtime.py', '../_base_/schedules/adam_constant_lr.py',
]
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_iters=4000, val_interval=500)
