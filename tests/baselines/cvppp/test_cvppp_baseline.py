"""The CVPPP Mask R-CNN baseline: its metric against hand-computed scores, its config against
mmdetection's GN Mask R-CNN, and its training targets on augmented plants."""
import numpy as np
import pytest
import torch
from mmdet.registry import MODELS
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.hub import get_config
from mmengine.registry import DefaultScope
from mmengine.runner.checkpoint import load_state_dict
from PIL import Image

from baselines.cvppp import CVPPPMaskRCNNMetric
from discseg.datasets.cvppp import find_plants
from discseg.synthetic.rosettes import RosetteConfig, write_dataset
from reproduce.profiles import CVPPP_PROFILES

# Two leaves; leaf 5 spans columns 0-1, leaf 9 columns 4-5 (ids as stored, not consecutive).
LABEL = np.array([[5, 5, 0, 0, 9, 9],
                  [5, 5, 0, 0, 9, 9],
                  [0, 0, 0, 0, 0, 0]], dtype=np.uint8)
FG = LABEL > 0


def write_plant(root):
    paths = {}
    for field, array in (('rgb', np.zeros(LABEL.shape + (3, ), np.uint8)), ('label', LABEL),
                         ('fg', FG.astype(np.uint8) * 255)):
        paths[field] = str(root / f'plant001_{field}.png')
        Image.fromarray(array).save(paths[field])
    return paths


def sample(paths, masks, scores):
    return {'img_path': paths['rgb'], 'seg_map_path': paths['label'], 'fg_path': paths['fg'],
            'pred_instances': {'masks': torch.from_numpy(np.stack(masks)),
                               'scores': torch.tensor(scores)}}


def score(paths, mask_source, masks, scores):
    metric = CVPPPMaskRCNNMetric(mask_source=mask_source, compute_ap=False)
    metric.process({}, [sample(paths, masks, scores)])
    return metric.compute_metrics(metric.results)


@pytest.fixture
def plant(tmp_path):
    return write_plant(tmp_path)


def test_scores_against_the_label_file_by_definition(plant):
    # Detection 1 = leaf 5 plus the 2 soil pixels below it; detection 2 = leaf 9 exactly.
    leaf5_and_soil = (LABEL == 5) | (np.arange(3)[:, None] == 2) & (np.arange(6) < 2)
    metrics = score(plant, 'prediction', [leaf5_and_soil, LABEL == 9], [0.9, 0.8])
    # Best Dice of each GT leaf: leaf 5: 2*4 / (4 + 6) = 0.8, leaf 9: 1; and of each prediction:
    # the same pairs. SBD = min of the two means = 0.9.
    assert metrics['sbd'] == pytest.approx(0.9)
    assert metrics['dic'] == 0
    # Foreground Dice: 2 * 8 / (10 + 8).
    assert metrics['fg_dice'] == pytest.approx(16 / 18)


def test_the_given_foreground_clips_masks_to_the_plant(plant):
    leaf5_and_soil = (LABEL == 5) | (np.arange(3)[:, None] == 2) & (np.arange(6) < 2)
    metrics = score(plant, 'ground_truth', [leaf5_and_soil, LABEL == 9], [0.9, 0.8])
    assert metrics['sbd'] == metrics['fg_dice'] == 1.0


def test_a_plant_without_label_cannot_be_scored(plant):
    metric = CVPPPMaskRCNNMetric()
    unlabelled = {**sample(plant, [FG], [0.9]), 'seg_map_path': None}
    with pytest.raises(ValueError, match='plant001_rgb.png has no label'):
        metric.process({}, [unlabelled])


def test_rejects_an_unknown_mask_source():
    with pytest.raises(ValueError, match='mask_source'):
        CVPPPMaskRCNNMetric(mask_source='fg')


def build_detector(config):
    with DefaultScope.overwrite_default_scope('mmdet'):
        return MODELS.build(config.model)


def test_default_model_has_the_architecture_of_mmdetections_gn_mask_rcnn():
    """So --maskrcnn-pretrained can load mmdetection's GN Mask R-CNN checkpoints."""
    ours = build_detector(Config.fromfile(CVPPP_PROFILES['default'].configs['maskrcnn']))
    reference = build_detector(get_config('mmdet::scratch/mask-rcnn_r50-scratch_fpn_gn-all_6x_coco.py'))
    ours_state, reference_state = ours.state_dict(), reference.state_dict()
    assert ours_state.keys() == reference_state.keys()
    different = {key for key in ours_state if ours_state[key].shape != reference_state[key].shape}
    class_specific = ('roi_head.bbox_head.fc_cls.', 'roi_head.bbox_head.fc_reg.',
                      'roi_head.mask_head.conv_logits.')
    assert different and all(key.startswith(class_specific) for key in different)
    assert isinstance(ours.backbone.layer4[0].gn1, torch.nn.GroupNorm)
    assert ours.data_preprocessor.mean.flatten().tolist() == \
        reference.data_preprocessor.mean.flatten().tolist()

    # As `load_from` loads it: everything but the class-specific layers is taken over.
    load_state_dict(ours, reference_state, strict=False)
    loaded = ours.state_dict()
    for key, value in reference_state.items():
        assert torch.equal(loaded[key], value) == (key not in different), key


def test_augmentation_is_the_same_as_ours():
    def augmentation(config):
        steps = [{**step, 'type': step['type'].removeprefix('mmseg.')}
                 for step in Config.fromfile(config).train_pipeline]
        return [step for step in steps if step['type'].startswith('Random')]

    ours = augmentation(CVPPP_PROFILES['default'].configs['ours'])
    assert [step['type'] for step in ours] == ['RandomResize', 'RandomRotate', 'RandomCrop',
                                               'RandomFlip']
    assert augmentation(CVPPP_PROFILES['default'].configs['maskrcnn']) == ours


def test_training_targets_are_tight_boxes_of_the_augmented_leaves(tmp_path):
    root = tmp_path / 'png'
    write_dataset(root, 'png', num_labelled=3, num_test=0,
                  config=RosetteConfig(height=80, width=72, num_leaves=(4, 6)), seed=0)
    cfg = Config.fromfile(CVPPP_PROFILES['smoke'].configs['maskrcnn'])
    with DefaultScope.overwrite_default_scope('mmdet'):
        pipeline = Compose(cfg.train_pipeline)
        plant = next(iter(find_plants(root).values()))
        packed = pipeline({'img_path': plant.rgb, 'seg_map_path': plant.label,
                           'fg_path': plant.fg, 'plant': plant.name, 'seg_fields': []})
    instances = packed['data_samples'].gt_instances
    assert packed['inputs'].shape == (3, 512, 512)
    masks, boxes = instances.masks.masks.astype(bool), instances.bboxes.tensor.numpy()
    assert len(masks) >= 3 and (instances.labels == 0).all()
    for mask, box in zip(masks, boxes):  # definition: the bounding rectangle of the pixels
        rows, cols = np.nonzero(mask)
        np.testing.assert_array_equal(box, [cols.min(), rows.min(), cols.max() + 1,
                                            rows.max() + 1])
