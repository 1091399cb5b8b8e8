custom_hooks = [
    dict(
        begin=7600,
        min_delta=0.001,
        monitor='sbd',
        patience=8,
        rule='greater',
        type='ResumableEarlyStoppingHook'),
]
custom_imports = dict(
    allow_failed_imports=False, imports=[
        'discseg',
    ])
data_root = 'data/sticks/default'
default_hooks = dict(
    checkpoint=dict(
        by_epoch=False,
        interval=200,
        max_keep_ckpts=2,
        rule='greater',
        save_best='sbd',
        type='CheckpointHook'),
    logger=dict(interval=50, log_metric_by_epoch=False, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'),
    visualization=dict(draw=False, type='SegVisualizationHook'))
default_scope = 'mmseg'
embedding_dims = 8
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='nccl'),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
load_from = None
log_level = 'INFO'
log_processor = dict(by_epoch=False)
model = dict(
    backbone=dict(
        act_cfg=dict(type='ReLU'),
        base_channels=16,
        conv_cfg=None,
        dec_dilations=(
            1,
            1,
            1,
            1,
        ),
        dec_num_convs=(
            2,
            2,
            2,
            2,
        ),
        downsamples=(
            True,
            True,
            True,
            True,
        ),
        enc_dilations=(
            1,
            1,
            1,
            1,
            1,
        ),
        enc_num_convs=(
            2,
            2,
            2,
            2,
            2,
        ),
        in_channels=3,
        norm_cfg=dict(requires_grad=True, type='BN'),
        norm_eval=False,
        num_stages=5,
        strides=(
            1,
            1,
            1,
            1,
            1,
        ),
        type='UNet',
        upsample_cfg=dict(type='InterpConv'),
        with_cp=False),
    data_preprocessor=dict(
        bgr_to_rgb=True,
        mean=[
            127.5,
            127.5,
            127.5,
        ],
        pad_val=0,
        seg_pad_val=255,
        size_divisor=16,
        std=[
            127.5,
            127.5,
            127.5,
        ],
        type='InstanceSegDataPreProcessor'),
    decode_head=dict(
        align_corners=False,
        channels=16,
        dropout_ratio=0.0,
        embedding_dims=8,
        in_channels=16,
        in_index=4,
        loss_decode=dict(
            loss_weight=1.0, type='CrossEntropyLoss', use_sigmoid=False),
        loss_embedding=dict(
            alpha=1.0,
            beta=1.0,
            delta_d=1.5,
            delta_v=0.5,
            gamma=0.001,
            norm=2,
            type='DiscriminativeLoss'),
        norm_cfg=dict(requires_grad=True, type='BN'),
        num_classes=2,
        num_convs=1,
        type='EmbeddingHead'),
    test_cfg=dict(
        bandwidth=1.5,
        cluster_cfg=dict(min_size=20),
        clustering='mean_shift',
        mask_source='prediction',
        mode='whole',
        score='class_probability'),
    train_cfg=dict(),
    type='DiscriminativeInstanceSegmentor')
norm_cfg = dict(requires_grad=True, type='BN')
optim_wrapper = dict(
    optimizer=dict(lr=0.001, type='Adam', weight_decay=0.0),
    type='OptimWrapper')
param_scheduler = []
randomness = dict(deterministic=False, seed=0)
resume = False
test_cfg = dict(type='TestLoop')
test_dataloader = dict(
    batch_size=1,
    dataset=dict(
        data_root='data/sticks/long',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadInstanceAnnotations'),
            dict(type='PackInstanceInputs'),
        ],
        split='test',
        type='SticksDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(type='InstanceSegMetric')
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadInstanceAnnotations'),
    dict(type='PackInstanceInputs'),
]
train_cfg = dict(max_iters=15200, type='IterBasedTrainLoop', val_interval=200)
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        data_root='data/sticks/long',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadInstanceAnnotations'),
            dict(
                direction=[
                    'horizontal',
                    'vertical',
                ],
                prob=0.5,
                type='RandomFlip'),
            dict(type='PackInstanceInputs'),
        ],
        split='train',
        type='SticksDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=True, type='InfiniteSampler'))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadInstanceAnnotations'),
    dict(direction=[
        'horizontal',
        'vertical',
    ], prob=0.5, type='RandomFlip'),
    dict(type='PackInstanceInputs'),
]
val_cfg = dict(type='ValLoop')
val_dataloader = dict(
    batch_size=1,
    dataset=dict(
        data_root='data/sticks/long',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadInstanceAnnotations'),
            dict(type='PackInstanceInputs'),
        ],
        split='val',
        type='SticksDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(type='InstanceSegMetric')
vis_backends = [
    dict(type='LocalVisBackend'),
]
visualizer = dict(
    name='visualizer',
    type='SegLocalVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
work_dir = 'work_dirs/sticks/long/seed-0/ours'
