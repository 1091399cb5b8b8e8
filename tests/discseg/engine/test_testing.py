"""The inference path's hook: the maps it writes are the predictions, painted as the metric does."""
import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData, PixelData
from mmseg.structures import SegDataSample

from discseg.datasets.label_maps import read_label_png
from discseg.engine import KeepOutputsHook, SavePredictionsHook

# Two overlapping detections: the better-scoring one (0.9) owns the shared pixel and is id 1; a
# third scores under the threshold and is not painted.
MASKS = torch.zeros(3, 3, 4, dtype=torch.bool)
MASKS[0, 0, :3] = True
MASKS[1, :, 2] = True
MASKS[2, 2, 0] = True
SCORES = torch.tensor([0.6, 0.9, 0.3])
PAINTED = [[2, 2, 1, 0],
           [0, 0, 1, 0],
           [0, 0, 1, 0]]


def detector_sample(name: str) -> DetDataSample:
    sample = DetDataSample(metainfo=dict(img_path=f'/data/images/test/{name}'))
    sample.pred_instances = InstanceData(masks=MASKS, scores=SCORES)
    return sample


def ours_sample(plant: str, instance_map: np.ndarray) -> SegDataSample:
    sample = SegDataSample(metainfo=dict(img_path='/data/x.h5', plant=plant))
    sample.pred_instance_map = PixelData(data=torch.from_numpy(instance_map)[None])
    return sample


def test_detector_masks_are_painted_by_score_above_the_threshold(tmp_path):
    hook = SavePredictionsHook(str(tmp_path), num_images=1)
    hook.before_test(None)
    hook.after_test_iter(None, 0, outputs=[detector_sample('a.png'), detector_sample('b.png')])

    assert sorted(path.name for path in tmp_path.iterdir()) == ['a.png']  # only the first image
    saved = read_label_png(tmp_path / 'a.png')
    assert saved.dtype == np.uint16
    np.testing.assert_array_equal(saved, PAINTED)


def test_our_maps_are_written_unchanged_and_named_by_the_key(tmp_path):
    instance_map = np.array([[0, 300], [7, 7]], dtype=np.int64)  # 300: beyond 8 bits
    hook = SavePredictionsHook(str(tmp_path), num_images=5, name_key='plant')
    hook.before_test(None)
    hook.after_test_iter(None, 0, outputs=[ours_sample('plant001', instance_map)])
    hook.after_test_iter(None, 1, outputs=[ours_sample('plant002', instance_map + 1)])

    np.testing.assert_array_equal(read_label_png(tmp_path / 'plant001.png'), instance_map)
    np.testing.assert_array_equal(read_label_png(tmp_path / 'plant002.png'), instance_map + 1)


def test_outputs_are_kept_in_order_and_a_new_test_starts_empty():
    hook = KeepOutputsHook()
    first, second = detector_sample('a.png'), detector_sample('b.png')
    hook.before_test(None)
    hook.after_test_iter(None, 0, outputs=[first])
    hook.after_test_iter(None, 1, outputs=[second])
    assert [sample.img_path for sample in hook.outputs] == [first.img_path, second.img_path]
    assert torch.equal(hook.outputs[1].pred_instances.masks, MASKS)
    hook.before_test(None)
    assert hook.outputs == []
