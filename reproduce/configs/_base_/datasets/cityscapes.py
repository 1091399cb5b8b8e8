# Cityscapes instances (discseg/datasets/cityscapes.py): the 8 classes with instances, read from
# the 16-bit instanceIds PNGs of the official leftImg8bit/ and gtFine/ tree. As in the paper: one
# input size, no augmentation.
data_root = 'data/cityscapes'
# [P] (width, height): `resize` below. reproduce.cityscapes.set_input_size gives a loaded config
# another size, as if written here.
input_size = (768, 384)
# person, rider, car, truck, bus, train, motorcycle, bicycle: class indices 1..8, 0 = background
thing_label_ids = [24, 25, 26, 27, 28, 31, 32, 33]
num_classes = 1 + len(thing_label_ids)

load_annotations = dict(type='LoadInstanceAnnotations', label_divisor=1000,
                        thing_label_ids=thing_label_ids, require_16bit=True)
resize = dict(type='Resize', scale=input_size, keep_ratio=True)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    load_annotations,
    resize,
    dict(type='PackInstanceInputs'),
]
# Ground truth is loaded after the resize: it stays at the original size, where predictions are
# returned, scored and (for mask_source='ground_truth') taken from.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    resize,
    load_annotations,
    dict(type='PackInstanceInputs'),
]
train_dataloader = dict(
    batch_size=4, num_workers=4, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='CityscapesInstanceDataset', data_root=data_root, split='train',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CityscapesInstanceDataset', data_root=data_root, split='val',
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CityscapesInstanceMetric')
test_evaluator = val_evaluator
