# Mask R-CNN baseline on Cityscapes (the paper's Table 2 compares against it): mmdetection's own
# recipe, unchanged, but fed from the same data root as our method (COCO JSON written from the
# instanceIds PNGs by baselines.cityscapes.convert_split) and scored by the official evaluation
# through our metric, as our method is. `reproduce cityscapes` sets the paths below.
#
# The recipe (mmdet's configs/cityscapes): ResNet-50-FPN initialised from COCO (`load_from`, a URL;
# give a local copy offline), 2048x800-1024 multi-scale training with flips, SGD lr 0.01 for 8
# images, 8 epochs over the train set repeated 8 times. auto_scale_lr keeps that lr per image on
# fewer GPUs or smaller batches.
_base_ = 'mmdet::cityscapes/mask-rcnn_r50_fpn_1x_cityscapes.py'
custom_imports = dict(imports=['discseg'], allow_failed_imports=False)

data_root = 'data/cityscapes/'
annotations = 'work_dirs/cityscapes/maskrcnn/annotations/'  # instances_<split>.json

train_dataloader = dict(dataset=dict(dataset=dict(
    data_root=data_root, ann_file=annotations + 'instances_train.json',
    data_prefix=dict(img='leftImg8bit/train/'))))
val_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file=annotations + 'instances_val.json',
    data_prefix=dict(img='leftImg8bit/val/')))
test_dataloader = val_dataloader
# Every detection is exported with its score, as for the benchmark; the ground truth is read from
# the instanceIds PNG beside each image.
val_evaluator = dict(_delete_=True, type='mmseg.CityscapesInstanceMetric')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='cityscapes/AP', rule='greater'))
auto_scale_lr = dict(enable=True, base_batch_size=8)
