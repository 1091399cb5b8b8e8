# A few-second variant of the base for the tests (a generated tree, a CPU): the recipe's pipelines
# at 1/8 of its scales, one pass over the train split at batch 1, no COCO initialisation.
_base_ = ['./mask-rcnn_r50_fpn_1x_cityscapes.py']

train_scales = [(256, 100), (256, 128)]  # the recipe's [(2048, 800), (2048, 1024)] / 8
test_scale = (256, 128)
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='RandomResize', scale=train_scales, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='Resize', scale=test_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]

load_from = None
train_dataloader = dict(batch_size=1, num_workers=0, persistent_workers=False,
                        dataset=dict(times=1, dataset=dict(pipeline=train_pipeline)))
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=1)
