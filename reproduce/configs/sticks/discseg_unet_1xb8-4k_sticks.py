# Scattered sticks (paper Sec. 3.3, Fig. 4): a small UNet with an embedding head, trained from scratch.
# The paper gives no recipe for this experiment; every choice below is listed in the README's
# "Deviations and choices". Profiles (smoke / default / paper) override sizes in reproduce/profiles.py.
_base_ = ['../_base_/default_runtime.py']

data_root = 'data/sticks/default'
embedding_dims = 8
norm_cfg = dict(type='BN', requires_grad=True)

model = dict(
    type='DiscriminativeInstanceSegmentor',
    data_preprocessor=dict(
        type='InstanceSegDataPreProcessor',
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size_divisor=16),
    backbone=dict(
        type='UNet', in_channels=3, base_channels=16, num_stages=5,
        strides=(1, 1, 1, 1, 1), enc_num_convs=(2, 2, 2, 2, 2), dec_num_convs=(2, 2, 2, 2),
        downsamples=(True, True, True, True), enc_dilations=(1, 1, 1, 1, 1),
        dec_dilations=(1, 1, 1, 1), with_cp=False, conv_cfg=None, norm_cfg=norm_cfg,
        act_cfg=dict(type='ReLU'), upsample_cfg=dict(type='InterpConv'), norm_eval=False),
    decode_head=dict(
        type='EmbeddingHead', in_channels=16, in_index=4, channels=16, num_convs=1,
        num_classes=2, embedding_dims=embedding_dims, dropout_ratio=0.0, norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
        loss_embedding=dict(type='DiscriminativeLoss', delta_v=0.5, delta_d=1.5, alpha=1.0,
                            beta=1.0, gamma=0.001, norm=2)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole', mask_source='prediction', clustering='mean_shift', bandwidth=1.5,
                  score='class_probability', cluster_cfg=dict(min_size=20)),
)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadInstanceAnnotations'),
    dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']),
    dict(type='PackInstanceInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadInstanceAnnotations'),
    dict(type='PackInstanceInputs'),
]
train_dataloader = dict(
    batch_size=8, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='SticksDataset', data_root=data_root, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='SticksDataset', data_root=data_root, split='val', pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='SticksDataset', data_root=data_root, split='test', pipeline=test_pipeline))
val_evaluator = dict(type='InstanceSegMetric')
test_evaluator = val_evaluator

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3, weight_decay=0.0))
param_scheduler = []  # constant learning rate, as the paper gives no schedule
train_cfg = dict(type='IterBasedTrainLoop', max_iters=4000, val_interval=500)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
