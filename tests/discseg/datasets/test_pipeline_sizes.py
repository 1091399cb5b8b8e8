from discseg.datasets.pipeline_sizes import at_size


def test_only_size_keys_change_and_the_input_is_kept():
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='RandomResize', scale=(512, 512), ratio_range=(0.5, 2.0)),
                dict(type='RandomCrop', crop_size=(512, 512), cat_max_ratio=1.0),
                dict(type='Resize', scale_factor=1.0)]
    resized = at_size(pipeline, (256, 128))
    assert resized == [dict(type='LoadImageFromFile'),
                       dict(type='RandomResize', scale=(256, 128), ratio_range=(0.5, 2.0)),
                       dict(type='RandomCrop', crop_size=(256, 128), cat_max_ratio=1.0),
                       dict(type='Resize', scale_factor=1.0)]
    assert pipeline[1]['scale'] == (512, 512)  # the base's pipeline is not changed
