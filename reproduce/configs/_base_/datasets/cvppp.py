# CVPPP A1 (discseg/datasets/cvppp.py): the labelled plants in a seeded train / val split, and the
# test plants with their foreground masks only.
data_root = 'data/cvppp'  # either official layout, see discseg.datasets.cvppp.LAYOUT
image_size = (512, 512)  # [P] images rescaled to 512 x 512
# Held-out labelled plants; the paper has no split: 28 of 128, the validation size of public
# re-implementations.
num_val = 28
split_seed = 0

meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape', 'scale_factor',
             'flip', 'flip_direction', 'reduce_zero_label', 'plant')
# [P] online augmentation: random scale in [1.0, 1.5] (of the 512 x 512 image, cropped back to
# 512 x 512), rotation in [0, 2 pi], left-right flip. The x / y maps are appended after them, so
# they always describe the network's input frame.
train_pipeline = [
    dict(type='LoadCVPPPImage', channel_order='rgb'),
    dict(type='LoadCVPPPAnnotations'),
    # mmseg's Resize, named with its scope: mmcv's would leave gt_instance_map unscaled.
    dict(type='RandomResize', scale=image_size, ratio_range=(1.0, 1.5), keep_ratio=False,
         resize_type='mmseg.Resize'),
    dict(type='RandomRotate', prob=1.0, degree=180, pad_val=0, seg_pad_val=0),
    dict(type='RandomCrop', crop_size=image_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='AddCoordinateChannels'),
    dict(type='PackInstanceInputs', meta_keys=meta_keys),
]
# Annotations are loaded after the resize, so they, and the scores, stay at the original size.
test_pipeline = [
    dict(type='LoadCVPPPImage', channel_order='rgb'),
    dict(type='mmseg.Resize', scale=image_size, keep_ratio=False),
    dict(type='AddCoordinateChannels'),
    dict(type='LoadCVPPPAnnotations'),
    dict(type='PackInstanceInputs', meta_keys=meta_keys),
]
dataset_a1 = dict(type='CVPPPDataset', data_root=data_root, subset='A1', num_val=num_val,
                  split_seed=split_seed)
train_dataloader = dict(
    batch_size=4, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**dataset_a1, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset_a1, split='val', pipeline=test_pipeline))
# The 33 test plants: foreground masks, no labels; runner.test() writes the organisers' file.
test_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset_a1, split='test', pipeline=test_pipeline))
val_evaluator = dict(type='InstanceSegMetric', compute_ap=False)  # SBD, DiC, |DiC|, fg Dice
test_evaluator = dict(type='CVPPPSubmission', output_file='cvppp_submission_A1.h5', subset='A1')
