import pytest
import torch

from discseg.clustering import LEFTOVERS, center_threshold, cluster

# Embeddings a zero loss would produce: every pixel strictly within DELTA_V of its instance centre,
# centres at least 2 * DELTA_D apart. Both clusterings must then recover the instances exactly.
DELTA_V = 0.5
DELTA_D = 1.5


def voronoi_instances(height: int, width: int, num_instances: int, num_background: int,
                      generator: torch.Generator) -> torch.Tensor:
    """Blob-shaped ids 1..K: Voronoi cells of random sites; the cells of extra sites are 0."""
    sites = torch.rand(num_instances + num_background, 2, generator=generator) * torch.tensor(
        [height, width])
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing='ij')
    pixels = torch.stack([rows, cols], dim=-1).float()
    nearest = torch.cdist(pixels.view(-1, 2), sites).argmin(1).view(height, width)
    return torch.where(nearest < num_instances, nearest + 1, 0)


def separated_centres(num: int, dim: int, generator: torch.Generator) -> torch.Tensor:
    """``num`` random centres pairwise at least ``2 * DELTA_D`` apart (on a line for dim 1)."""
    if dim == 1:
        return (2 * DELTA_D * torch.randperm(num, generator=generator)).float().unsqueeze(1)
    side = 4 * DELTA_D * num ** (1 / dim)  # room for all of them in the box
    centres = torch.empty(0, dim)
    while len(centres) < num:
        candidate = side * torch.rand(1, dim, generator=generator)
        if len(centres) == 0 or torch.cdist(candidate, centres).min() >= 2 * DELTA_D:
            centres = torch.cat([centres, candidate])
    return centres


def embed(truth: torch.Tensor, dim: int, generator: torch.Generator,
          background: float = float('nan')) -> torch.Tensor:
    """``[D, H, W]`` embeddings: centre of the pixel's instance plus noise of norm < DELTA_V."""
    num_instances = int(truth.max())
    centres = separated_centres(num_instances, dim, generator)
    direction = torch.randn(*truth.shape, dim, generator=generator)
    direction = direction / direction.norm(dim=-1, keepdim=True)
    noise = 0.99 * DELTA_V * torch.rand(*truth.shape, 1, generator=generator) * direction
    points = centres[(truth - 1).clamp(min=0)] + noise
    points[truth == 0] = background
    return points.permute(2, 0, 1).contiguous()


def assert_same_instances(prediction: torch.Tensor, truth: torch.Tensor) -> None:
    """Equal up to a relabelling of the instances; background 0 must match exactly."""
    assert prediction.dtype == torch.long and prediction.shape == truth.shape
    assert torch.equal(prediction == 0, truth == 0)
    pairs = torch.unique(torch.stack([prediction[truth > 0], truth[truth > 0]]), dim=1)
    num_predicted = len(torch.unique(prediction[truth > 0]))
    num_true = len(torch.unique(truth[truth > 0]))
    assert pairs.shape[1] == num_predicted == num_true, 'instances are split or merged'
    assert torch.equal(torch.unique(prediction[prediction > 0]), torch.arange(1, num_true + 1))


@pytest.mark.parametrize('dim', [1, 2, 16])
def test_cluster_recovers_well_separated_instances(dim):
    generator = torch.Generator().manual_seed(dim)
    truth = voronoi_instances(64, 96, num_instances=12, num_background=0, generator=generator)
    embeddings = embed(truth, dim, generator)
    assert_same_instances(cluster(embeddings, truth > 0), truth)


def test_cluster_only_reads_embeddings_inside_the_mask():
    generator = torch.Generator().manual_seed(1)
    truth = voronoi_instances(64, 96, num_instances=8, num_background=4, generator=generator)
    embeddings = embed(truth, 8, generator, background=float('nan'))
    mask = truth > 0
    assert_same_instances(cluster(embeddings, mask), truth)

    # Background embeddings sitting on an instance centre must not join that instance either.
    embeddings[:, ~mask] = embeddings[:, truth == 1].mean(1, keepdim=True)
    assert_same_instances(cluster(embeddings, mask), truth)


def test_cluster_finds_instances_missed_by_the_sample():
    # 16 samples and 2 seeds per round cannot see all ten instances, one of them only 12 pixels:
    # the rounds that seed from the still unlabeled pixels must find them.
    generator = torch.Generator().manual_seed(2)
    truth = voronoi_instances(48, 48, num_instances=9, num_background=0, generator=generator)
    truth[0, :12] = 10
    embeddings = embed(truth, 4, generator)
    prediction = cluster(embeddings, truth > 0, num_samples=16, num_seeds=2)
    assert_same_instances(prediction, truth)


def test_cluster_is_deterministic_given_seed():
    generator = torch.Generator().manual_seed(3)
    truth = voronoi_instances(48, 48, num_instances=10, num_background=2, generator=generator)
    embeddings = embed(truth, 4, generator)
    runs = [cluster(embeddings, truth > 0, num_samples=256, num_seeds=3, seed=s) for s in (7, 7, 8)]
    assert torch.equal(runs[0], runs[1])
    for run in runs:
        assert_same_instances(run, truth)


def test_cluster_empty_mask():
    embeddings = torch.randn(3, 5, 7)
    ids = cluster(embeddings, torch.zeros(5, 7, dtype=torch.bool))
    assert ids.dtype == torch.long and torch.equal(ids, torch.zeros(5, 7, dtype=torch.long))


def test_cluster_single_instance():
    generator = torch.Generator().manual_seed(4)
    truth = torch.zeros(20, 30, dtype=torch.long)
    truth[3:15, 5:25] = 1
    ids = cluster(embed(truth, 6, generator), truth > 0)
    assert torch.equal(ids, truth)


def test_cluster_drops_instances_below_min_size():
    generator = torch.Generator().manual_seed(5)
    truth = voronoi_instances(32, 32, num_instances=4, num_background=0, generator=generator)
    truth[0, :9] = 5  # 9 pixels: below the default min_size of 10
    truth[-1, :10] = 6  # exactly min_size: kept
    embeddings = embed(truth, 4, generator)

    expected = torch.where(truth == 5, 0, truth)
    expected = torch.where(expected == 6, 5, expected)
    assert_same_instances(cluster(embeddings, truth > 0), expected)
    assert_same_instances(cluster(embeddings, truth > 0, min_size=1), truth)


def test_cluster_leaves_pixels_beyond_every_centre_unlabeled():
    # Two instances whose means lie 1.0 apart merge under the default bandwidth but, with a
    # bandwidth of 0.3, every pixel farther than 0.3 from its instance's mode stays 0.
    embeddings = torch.tensor([[0.0] * 20 + [1.0] * 20 + [5.0]]).view(1, 1, 41)
    mask = torch.ones(1, 41, dtype=torch.bool)
    assert torch.equal(cluster(embeddings, mask, min_size=1), torch.tensor([[1] * 40 + [2]]))
    narrow = cluster(embeddings, mask, bandwidth=0.3, min_size=1)
    assert_same_instances(narrow, torch.tensor([[1] * 20 + [2] * 20 + [3]]))


def line(*groups: tuple[float, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """1-D embeddings ``[1, 1, N]``: ``count`` pixels at each ``value``, and an all-true mask."""
    values = torch.cat([torch.full((count,), value) for value, count in groups])
    return values.view(1, 1, -1), torch.ones(1, len(values), dtype=torch.bool)


@pytest.mark.parametrize('seed', range(5))
def test_cluster_pixel_within_two_centres_keeps_the_first(seed):
    # Modes near 0 and 2 (1.95 apart), one bridge pixel at 1.0 within the bandwidth of both: one
    # seed per round, so the instances are found one after the other and the bridge pixel belongs
    # to the first found, id 1 ("label, then repeat on the rest").
    embeddings, mask = line((0.0, 40), (1.0, 1), (2.0, 40))
    ids = cluster(embeddings, mask, min_size=1, num_seeds=1, seed=seed)[0]
    left, bridge, right = ids[:40], ids[40], ids[41:]
    assert bridge == 1
    assert (left == left[0]).all() and (right == right[0]).all()
    assert {int(left[0]), int(right[0])} == {1, 2}


@pytest.mark.parametrize('seed', range(5))
def test_cluster_seeds_that_reach_a_found_instance_add_no_instance(seed):
    # A chain 0 - 1.4 - 2.8: whatever the seed, the modes (0.7, 1.4 or 2.1) lie within the
    # bandwidth of the first one found, so only one instance comes out.
    embeddings, mask = line((0.0, 30), (1.4, 30), (2.8, 30))
    ids = cluster(embeddings, mask, seed=seed)
    assert int(ids.max()) == 1


def overlapping_instances(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Embeddings a trained network gives: instances whose spread exceeds the bandwidth, so that the
    mean-shift rounds leave pixels unlabelled (ground truth, embeddings)."""
    generator = torch.Generator().manual_seed(seed)
    truth = voronoi_instances(32, 40, num_instances=6, num_background=2, generator=generator)
    centres = separated_centres(6, 4, generator)
    noise = 0.6 * torch.randn(*truth.shape, 4, generator=generator)
    return truth, (centres[(truth - 1).clamp(min=0)] + noise).permute(2, 0, 1).contiguous()


@pytest.mark.parametrize('seed', range(2))
def test_nearest_centre_labels_every_mask_pixel_and_keeps_the_rounds_labels(seed):
    truth, embeddings = overlapping_instances(seed)
    mask = truth > 0
    paper = cluster(embeddings, mask)
    assert (paper[mask] == 0).any(), 'the case must leave pixels unlabelled to test anything'
    filled = cluster(embeddings, mask, leftovers='nearest_centre')
    assert (filled[mask] > 0).all() and (filled[~mask] == 0).all()
    labelled = paper > 0
    assert torch.equal(filled[labelled], paper[labelled])
    assert int(filled.max()) == int(paper.max())  # no new instance


def test_nearest_centre_hand_case_and_dropped_instances_are_no_centres():
    # 1-D, bandwidth 1.5, min_size 10: modes 0 and 4 hold 20 pixels each. 1.8 and 2.4 are within
    # 1.5 of neither and shift to a mode of their own (2.1), as do the 3 pixels at 9; both groups
    # are under min_size and dropped. Their pixels then take the nearest kept centre: 1.8 -> 0,
    # 2.4 -> 4, and 9 -> 4 (not their own dropped mode).
    embeddings, mask = line((0.0, 20), (4.0, 20), (1.8, 1), (2.4, 1), (9.0, 3))
    paper = cluster(embeddings, mask)[0]
    filled = cluster(embeddings, mask, leftovers='nearest_centre')[0]
    first, second = int(paper[0]), int(paper[20])
    assert {first, second} == {1, 2}
    assert paper[40:].tolist() == [0] * 5
    assert filled.tolist() == [first] * 20 + [second] * 20 + [first] + [second] * 4


def test_nearest_centre_without_any_kept_instance_labels_nothing():
    embeddings, mask = line((0.0, 5), (3.0, 4))  # both under min_size
    assert not cluster(embeddings, mask, leftovers='nearest_centre').any()


def test_center_threshold_nearest_centre_labels_pixels_beyond_the_bandwidth():
    embeddings, mask = line((0.0, 4), (3.0, 4), (1.4, 1), (2.0, 1), (-7.0, 1))
    truth = torch.tensor([[1] * 4 + [2] * 4 + [0] * 3])
    paper = center_threshold(embeddings, truth, mask=mask)
    assert paper.tolist() == [[1] * 4 + [2] * 4 + [1, 2, 0]]
    filled = center_threshold(embeddings, truth, mask=mask, leftovers='nearest_centre')
    assert filled.tolist() == [[1] * 4 + [2] * 4 + [1, 2, 1]]


@pytest.mark.parametrize('leftovers', LEFTOVERS)
def test_far_from_the_origin_clustering_is_unchanged(leftovers):
    # Every embedding shifted by 3000: distances are the same, so the instances must be too.
    generator = torch.Generator().manual_seed(9)
    truth = voronoi_instances(64, 96, num_instances=2, num_background=0, generator=generator)
    embeddings = embed(truth, 8, generator)
    mask = truth > 0
    near = cluster(embeddings, mask, leftovers=leftovers)
    assert_same_instances(near, truth)
    assert torch.equal(cluster(embeddings + 3000, mask, leftovers=leftovers), near)
    assert torch.equal(center_threshold(embeddings + 3000, truth, leftovers=leftovers), truth)


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_half_precision_embeddings_cluster_as_in_float32(dtype):
    generator = torch.Generator().manual_seed(10)
    truth = voronoi_instances(64, 96, num_instances=12, num_background=3, generator=generator)
    embeddings = embed(truth, 16, generator, background=0.0).to(dtype)
    mask = truth > 0
    expected = cluster(embeddings.float(), mask)
    assert_same_instances(expected, truth)
    assert torch.equal(cluster(embeddings, mask), expected)
    assert torch.equal(center_threshold(embeddings, truth), center_threshold(embeddings.float(), truth))


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cluster_on_cuda_matches_cpu():
    generator = torch.Generator().manual_seed(6)
    truth = voronoi_instances(64, 96, num_instances=12, num_background=3, generator=generator)
    embeddings = embed(truth, 8, generator)
    ids = cluster(embeddings.cuda(), (truth > 0).cuda())
    assert ids.device.type == 'cuda'
    assert_same_instances(ids.cpu(), truth)
    center_ids = center_threshold(embeddings.cuda(), truth.cuda())
    assert torch.equal(center_ids.cpu(), truth)
    with pytest.raises(ValueError, match='same device'):
        cluster(embeddings.cuda(), truth > 0)


def test_center_threshold_labels_by_ground_truth_centres_in_id_order():
    generator = torch.Generator().manual_seed(7)
    consecutive = voronoi_instances(40, 40, num_instances=5, num_background=2, generator=generator)
    embeddings = embed(consecutive, 4, generator, background=100.0)
    truth = torch.tensor([0, 3, 7, 8, 20, 42])[consecutive]  # non-consecutive ids, same order
    assert torch.equal(center_threshold(embeddings, truth), consecutive)


def test_center_threshold_inside_a_given_mask():
    generator = torch.Generator().manual_seed(8)
    truth = voronoi_instances(40, 40, num_instances=5, num_background=2, generator=generator)
    embeddings = embed(truth, 4, generator, background=100.0)
    mask = torch.ones_like(truth, dtype=torch.bool)
    # Background pixels: one moved next to the centre of instance 2 (0.4 away, within the
    # bandwidth), the rest far from every centre. The centres are still the ground-truth means.
    centre_2 = embeddings[:, truth == 2].mean(1)
    background = (truth == 0).nonzero()[0]
    embeddings[:, background[0], background[1]] = centre_2 + 0.2
    expected = truth.clone()
    expected[background[0], background[1]] = 2
    assert torch.equal(center_threshold(embeddings, truth, mask=mask), expected)


def test_center_threshold_without_instances():
    ids = center_threshold(torch.randn(2, 4, 4), torch.zeros(4, 4, dtype=torch.long))
    assert torch.equal(ids, torch.zeros(4, 4, dtype=torch.long))


@pytest.mark.parametrize('embeddings, mask, kwargs, error, message', [
    (torch.zeros(2, 4, 4), torch.ones(4, 5, dtype=torch.bool), {}, ValueError, 'mask'),
    (torch.zeros(4, 4), torch.ones(4, 4, dtype=torch.bool), {}, ValueError, r'\[D, H, W\]'),
    (torch.zeros(2, 4, 4), torch.ones(4, 4, dtype=torch.long), {}, TypeError, 'bool'),
    (torch.zeros(2, 4, 4, dtype=torch.long), torch.ones(4, 4, dtype=torch.bool), {}, TypeError,
     'floating'),
    (torch.full((2, 4, 4), float('nan')), torch.ones(4, 4, dtype=torch.bool), {}, ValueError,
     'finite'),
    (torch.full((2, 4, 4), float('inf')), torch.ones(4, 4, dtype=torch.bool), {}, ValueError,
     'finite'),
    (torch.zeros(2, 4, 4), torch.ones(4, 4, dtype=torch.bool), {'bandwidth': 0.0}, ValueError,
     'bandwidth'),
    (torch.zeros(2, 4, 4), torch.ones(4, 4, dtype=torch.bool), {'min_size': 0}, ValueError,
     'min_size'),
    (torch.zeros(2, 4, 4), torch.ones(4, 4, dtype=torch.bool), {'leftovers': 'all'}, ValueError,
     'leftovers'),
])
def test_cluster_rejects_bad_input(embeddings, mask, kwargs, error, message):
    with pytest.raises(error, match=message):
        cluster(embeddings, mask, **kwargs)


def test_center_threshold_rejects_bad_input():
    ids = torch.ones(4, 4, dtype=torch.long)
    with pytest.raises(TypeError, match='integer'):
        center_threshold(torch.zeros(2, 4, 4), ids.float())
    with pytest.raises(ValueError, match='same shape and device'):
        center_threshold(torch.zeros(2, 4, 4), torch.ones(4, 5, dtype=torch.long),
                         mask=torch.ones(4, 4, dtype=torch.bool))
    with pytest.raises(ValueError, match='finite'):
        center_threshold(torch.full((2, 4, 4), float('nan')), ids)
    with pytest.raises(ValueError, match='bandwidth'):
        center_threshold(torch.zeros(2, 4, 4), ids, bandwidth=-1.0)
