custom_hooks = [
    dict(
        begin=700,
        min_delta=0.001,
        monitor='sbd',
        patience=4,
        rule='greater',
        type='ResumableEarlyStoppingHook'),
]
custom_imports = dict(
    allow_failed_imports=False, imports=[
        'discseg',
    ])
data_root = 'data/cvppp'
dataset_a1 = dict(
    data_root='data/cvppp',
    num_val=28,
    split_seed=0,
    subset='A1',
    type='CVPPPDataset')
default_hooks = dict(
    checkpoint=dict(
        by_epoch=False,
        interval=200,
        max_keep_ckpts=2,
        rule='greater',
        save_best=None,
        type='CheckpointHook'),
    logger=dict(interval=50, log_metric_by_epoch=False, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'),
    visualization=dict(draw=False, type='SegVisualizationHook'))
default_scope = 'mmseg'
embedding_dims = 16
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='nccl'),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
image_size = (
    256,
    256,
)
load_from = None
log_level = 'INFO'
log_processor = dict(by_epoch=False)
meta_keys = (
    'img_path',
    'seg_map_path',
    'ori_shape',
    'img_shape',
    'pad_shape',
    'scale_factor',
    'flip',
    'flip_direction',
    'reduce_zero_label',
    'plant',
)
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
        in_channels=5,
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
        bgr_to_rgb=False,
        mean=[
            123.675,
            116.28,
            103.53,
            0.0,
            0.0,
        ],
        pad_val=0,
        seg_pad_val=255,
        size_divisor=16,
        std=[
            58.395,
            57.12,
            57.375,
            1.0,
            1.0,
        ],
        type='InstanceSegDataPreProcessor'),
    decode_head=dict(
        align_corners=False,
        channels=16,
        dropout_ratio=0.0,
        embedding_dims=16,
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
        clustering='mean_shift',
        leftovers=dict(ground_truth='nearest_centre', prediction='unlabelled'),
        mask_source='ground_truth',
        mode='whole'),
    train_cfg=dict(),
    type='DiscriminativeInstanceSegmentor')
norm_cfg = dict(requires_grad=True, type='BN')
num_val = 28
optim_wrapper = dict(
    optimizer=dict(lr=0.001, type='Adam', weight_decay=0.0),
    type='OptimWrapper')
param_scheduler = []
randomness = dict(deterministic=False, seed=0)
resume = False
split_seed = 0
test_cfg = dict(type='TestLoop')
test_dataloader = dict(
    batch_size=1,
    dataset=dict(
        data_root='data/cvppp_demo',
        num_val=28,
        pipeline=[
            dict(channel_order='rgb', type='LoadCVPPPImage'),
            dict(keep_ratio=False, scale=(
                256,
                256,
            ), type='mmseg.Resize'),
            dict(type='AddCoordinateChannels'),
            dict(type='LoadCVPPPAnnotations'),
            dict(
                meta_keys=(
                    'img_path',
                    'seg_map_path',
                    'ori_shape',
                    'img_shape',
                    'pad_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'reduce_zero_label',
                    'plant',
                ),
                type='PackInstanceInputs'),
        ],
        split='test',
        split_seed=0,
        subset='A1',
        type='CVPPPDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(
    output_file='results/cvppp-demo-cpu/submission_A1.h5',
    subset='A1',
    type='CVPPPSubmission')
test_pipeline = [
    dict(channel_order='rgb', type='LoadCVPPPImage'),
    dict(keep_ratio=False, scale=(
        256,
        256,
    ), type='mmseg.Resize'),
    dict(type='AddCoordinateChannels'),
    dict(type='LoadCVPPPAnnotations'),
    dict(
        meta_keys=(
            'img_path',
            'seg_map_path',
            'ori_shape',
            'img_shape',
            'pad_shape',
            'scale_factor',
            'flip',
            'flip_direction',
            'reduce_zero_label',
            'plant',
        ),
        type='PackInstanceInputs'),
]
train_cfg = dict(max_iters=1400, type='IterBasedTrainLoop', val_interval=200)
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        data_root='data/cvppp_demo',
        num_val=28,
        pipeline=[
            dict(channel_order='rgb', type='LoadCVPPPImage'),
            dict(type='LoadCVPPPAnnotations'),
            dict(
                keep_ratio=False,
                ratio_range=(
                    1.0,
                    1.5,
                ),
                resize_type='mmseg.Resize',
                scale=(
                    256,
                    256,
                ),
                type='RandomResize'),
            dict(
                degree=180,
                pad_val=0,
                prob=1.0,
                seg_pad_val=0,
                type='RandomRotate'),
            dict(crop_size=(
                256,
                256,
            ), type='RandomCrop'),
            dict(direction='horizontal', prob=0.5, type='RandomFlip'),
            dict(type='AddCoordinateChannels'),
            dict(
                meta_keys=(
                    'img_path',
                    'seg_map_path',
                    'ori_shape',
                    'img_shape',
                    'pad_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'reduce_zero_label',
                    'plant',
                ),
                type='PackInstanceInputs'),
        ],
        split='train',
        split_seed=0,
        subset='A1',
        type='CVPPPDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=True, type='InfiniteSampler'))
train_pipeline = [
    dict(channel_order='rgb', type='LoadCVPPPImage'),
    dict(type='LoadCVPPPAnnotations'),
    dict(
        keep_ratio=False,
        ratio_range=(
            1.0,
            1.5,
        ),
        resize_type='mmseg.Resize',
        scale=(
            256,
            256,
        ),
        type='RandomResize'),
    dict(degree=180, pad_val=0, prob=1.0, seg_pad_val=0, type='RandomRotate'),
    dict(crop_size=(
        256,
        256,
    ), type='RandomCrop'),
    dict(direction='horizontal', prob=0.5, type='RandomFlip'),
    dict(type='AddCoordinateChannels'),
    dict(
        meta_keys=(
            'img_path',
            'seg_map_path',
            'ori_shape',
            'img_shape',
            'pad_shape',
            'scale_factor',
            'flip',
            'flip_direction',
            'reduce_zero_label',
            'plant',
        ),
        type='PackInstanceInputs'),
]
val_cfg = dict(type='ValLoop')
val_dataloader = dict(
    batch_size=1,
    dataset=dict(
        data_root='data/cvppp_demo',
        num_val=28,
        pipeline=[
            dict(channel_order='rgb', type='LoadCVPPPImage'),
            dict(keep_ratio=False, scale=(
                256,
                256,
            ), type='mmseg.Resize'),
            dict(type='AddCoordinateChannels'),
            dict(type='LoadCVPPPAnnotations'),
            dict(
                meta_keys=(
                    'img_path',
                    'seg_map_path',
                    'ori_shape',
                    'img_shape',
                    'pad_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'reduce_zero_label',
                    'plant',
                ),
                type='PackInstanceInputs'),
        ],
        split='val',
        split_seed=0,
        subset='A1',
        type='CVPPPDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(compute_ap=False, type='InstanceSegMetric')
vis_backends = [
    dict(type='LocalVisBackend'),
]
visualizer = dict(
    name='visualizer',
    type='SegLocalVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
work_dir = 'work_dirs/cvppp-demo/cpu/ours'
