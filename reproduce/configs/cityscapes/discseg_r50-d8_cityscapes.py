# Table 4, medium-heavy: ResNet-50-D8 (ImageNet weights). The heaviest row is discseg_cityscapes.py
# (ResNet-101-D8), the model of Tables 2 and 3.
_base_ = ['./discseg_cityscapes.py']
model = dict(
    backbone=dict(depth=50,
                  init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet50_v1c')))
