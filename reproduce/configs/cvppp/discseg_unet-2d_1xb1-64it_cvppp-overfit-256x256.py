# Figure 3 (paper Sec. 4.1): a network overfit on one plant with a 2-D embedding, so that the
# embedding can be drawn as it converges. The paper gives neither the network nor the optimiser of
# this figure: the sticks UNet on RGB + x + y (the CVPPP input) and Adam at 3e-3 are our choices
# (README, "Deviations and choices"). reproduce/figure3.py runs the 64 steps on one 256x256 image.
_base_ = ['../sticks/discseg_unet_1xb8-4k_sticks.py']

model = dict(backbone=dict(in_channels=5), decode_head=dict(embedding_dims=2))
optim_wrapper = dict(optimizer=dict(lr=3e-3))
