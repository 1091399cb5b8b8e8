"""A detector's masks encoded for mask AP: every mask kept, overlapping or empty."""
import numpy as np
import torch
from pycocotools import mask as mask_utils

from baselines.maskrcnn.convert import encode_masks

# Mask 0 and 1 overlap; mask 2 lies inside mask 1; mask 4 is empty.
MASKS = np.zeros((4, 3, 4), dtype=bool)
MASKS[0, :2, :3] = MASKS[1, :, 2:] = MASKS[2, 2, 2:] = MASKS[3, 2, 0] = True


def test_encode_masks_keeps_every_mask_overlapping_or_empty():
    masks = np.concatenate([MASKS, np.zeros((1, 3, 4), dtype=bool)])
    scores = torch.tensor([0.9, 0.2, 0.7, 0.6, 0.1])

    encoded = encode_masks(torch.from_numpy(masks), scores)

    assert (encoded.height, encoded.width) == (3, 4)
    np.testing.assert_array_equal(mask_utils.decode(encoded.rles).transpose(2, 0, 1), masks)
    np.testing.assert_allclose(encoded.scores, scores.numpy())


def test_encode_masks_of_no_detection():
    encoded = encode_masks(np.zeros((0, 5, 7), dtype=bool), np.zeros(0))
    assert (encoded.height, encoded.width, encoded.rles) == (5, 7, [])
    assert encoded.scores.shape == (0, )
