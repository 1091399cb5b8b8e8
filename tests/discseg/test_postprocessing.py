"""Per-class clustering and instance scores, against instances constructed by hand."""
import pytest
import torch

from discseg.postprocessing import mean_class_probability, segment_instances


def two_class_scene():
    """4x6 image: class 1 holds instances A (cols 0-1) and B (cols 2-3), class 2 holds C (cols 4-5).

    B and C share the same embedding: only per-class clustering keeps them apart.
    """
    semantic = torch.tensor([[1, 1, 1, 1, 2, 2]] * 4)
    semantic[0, 0] = 0  # one background pixel
    centres = torch.tensor([[0.0, 0.0], [5.0, 0.0], [5.0, 0.0]])
    instance = torch.tensor([0, 0, 1, 1, 2, 2]).expand(4, 6)
    embeddings = centres[instance].permute(2, 0, 1).clone()
    probabilities = torch.zeros(3, 4, 6)
    probabilities[semantic, torch.arange(4)[:, None], torch.arange(6)] = 0.8
    probabilities[0] += 0.2
    probabilities[:, 3, 0] = torch.tensor([0.1, 0.5, 0.4])  # one pixel of A less certain
    return embeddings, semantic, probabilities, instance


def test_instances_are_found_per_class_with_labels_and_scores():
    embeddings, semantic, probabilities, instance = two_class_scene()
    instance_map, labels, scores = segment_instances(embeddings, semantic, probabilities,
                                                     bandwidth=1.5, min_size=1)
    assert instance_map[0, 0] == 0
    found = {tuple(instance_map[semantic > 0][instance[semantic > 0] == k].unique().tolist())
             for k in range(3)}
    assert found == {(1,), (2,), (3,)}  # each true instance is exactly one predicted id
    by_true = {k: int(instance_map[1, 2 * k]) for k in range(3)}
    assert labels[by_true[2] - 1] == 2 and labels[by_true[0] - 1] == labels[by_true[1] - 1] == 1
    # A has 7 pixels: 6 at 0.8 and one at 0.5.
    torch.testing.assert_close(scores[by_true[0] - 1], torch.tensor((6 * 0.8 + 0.5) / 7))
    torch.testing.assert_close(scores[by_true[2] - 1], torch.tensor(0.8))


def test_constant_score_and_center_threshold():
    embeddings, semantic, probabilities, instance = two_class_scene()
    ground_truth = (instance + 1) * (semantic > 0)
    instance_map, labels, scores = segment_instances(
        embeddings, semantic, probabilities, bandwidth=1.5, ground_truth_ids=ground_truth,
        score='constant')
    assert scores.tolist() == [1.0, 1.0, 1.0]
    assert labels.tolist() == [1, 1, 2]
    assert torch.equal(instance_map, ground_truth)


def test_mean_class_probability_definition():
    instance_map = torch.tensor([[1, 1, 0], [2, 2, 2]])
    probabilities = torch.tensor([[[0.0, 0.2, 0.5], [0.1, 0.2, 0.3]],
                                  [[1.0, 0.8, 0.5], [0.9, 0.8, 0.7]]])
    labels = torch.tensor([1, 0])
    torch.testing.assert_close(mean_class_probability(instance_map, labels, probabilities),
                               torch.tensor([0.9, 0.2]))


def test_unknown_score_is_rejected():
    embeddings, semantic, probabilities, _ = two_class_scene()
    with pytest.raises(ValueError, match='score'):
        segment_instances(embeddings, semantic, probabilities, score='iou')


@pytest.mark.parametrize('use_ground_truth_centres', [False, True])
def test_leftovers_join_the_nearest_instance_of_their_own_class(use_ground_truth_centres):
    # A class-1 pixel 4 from B's centre and 6.4 from A's: beyond the bandwidth of both. C (class 2)
    # shares B's centre; the pixel may only join an instance of its own class.
    embeddings, semantic, probabilities, instance = two_class_scene()
    embeddings[:, 2, 3] = torch.tensor([5.0, 4.0])
    ground_truth = (instance + 1) * (semantic > 0) if use_ground_truth_centres else None
    kwargs = dict(bandwidth=1.5, ground_truth_ids=ground_truth)
    if ground_truth is None:
        kwargs['min_size'] = 2  # the stray pixel's own mode is no instance
    paper, _, _ = segment_instances(embeddings, semantic, probabilities, **kwargs)
    filled, _, _ = segment_instances(embeddings, semantic, probabilities,
                                     leftovers='nearest_centre', **kwargs)
    assert paper[2, 3] == 0
    assert filled[2, 3] == paper[1, 3] != paper[1, 4]  # B's id, not C's
    paper[2, 3] = filled[2, 3]
    assert torch.equal(filled, paper)  # nothing else changes
