"""DiscriminativeLoss against a literal transcription of Eq. 1-4 of the paper."""
import itertools

import pytest
import torch

from discseg.models.losses import DiscriminativeLoss


def _norm(v: torch.Tensor, norm: int) -> torch.Tensor:
    return v.abs().sum() if norm == 1 else v.pow(2).sum().sqrt()


def reference_image_loss(emb, ids, delta_v, delta_d, alpha, beta, gamma, norm, variant='paper'):
    """Eq. 1-4 for one image, written as the equations read: loops over instances, pixels and pairs.

    emb: [D, H, W], ids: [H, W] with 0 = background. The 'authors' variant follows the authors' released code.
    """
    labels = [int(k) for k in torch.unique(ids) if k != 0]
    if variant == 'authors':
        labels = [k for k in labels if int((ids == k).sum()) > 1]
        gamma = 0.0
    if not labels:
        return torch.zeros(()), torch.zeros(()), torch.zeros(())
    C = len(labels)
    points = {k: emb[:, ids == k].T for k in labels}
    mu = {k: points[k].mean(0) for k in labels}
    var = 0.0
    for k in labels:
        per_pixel = [torch.clamp(_norm(mu[k] - x, norm) - delta_v, min=0) ** 2 for x in points[k]]
        var = var + sum(per_pixel) / len(per_pixel)
    if variant == 'paper':
        var = var / C
    dist = torch.zeros(())
    if C > 1:
        pairs = (itertools.permutations(labels, 2) if variant == 'paper'
                 else itertools.combinations(labels, 2))
        total = sum(torch.clamp(2 * delta_d - _norm(mu[a] - mu[b], norm), min=0) ** 2 for a, b in pairs)
        dist = total / (C * (C - 1)) if variant == 'paper' else total / (C - 1)
    reg = sum(_norm(mu[k], norm) for k in labels) / C
    return alpha * var, beta * dist, gamma * reg


def reference_batch_loss(emb, ids, per_class=False, divisor=1000, **kwargs):
    """Mean over images; in per-class mode an image's loss is the sum over its classes."""
    total = torch.zeros(())
    for b in range(emb.shape[0]):
        if per_class:
            classes = {int(k) // divisor for k in torch.unique(ids[b]) if k != 0}
            for cls in classes:
                in_class = (ids[b] // divisor == cls) & (ids[b] != 0)
                total = total + sum(reference_image_loss(emb[b], ids[b] * in_class, **kwargs))
        else:
            total = total + sum(reference_image_loss(emb[b], ids[b], **kwargs))
    return total / emb.shape[0]


def random_batch(batch, dim, size, max_instances, seed, id_pool=None):
    g = torch.Generator().manual_seed(seed)
    emb = torch.randn(batch, dim, size, size, generator=g, dtype=torch.float64) * 1.5
    ids = torch.randint(0, max_instances + 1, (batch, size, size), generator=g)
    if id_pool is not None:  # non-consecutive ids
        ids = torch.tensor(id_pool)[ids]
    return emb, ids


MARGINS = dict(delta_v=0.5, delta_d=1.5, alpha=1.0, beta=1.0, gamma=0.001)


@pytest.mark.parametrize('norm', [1, 2])
@pytest.mark.parametrize('variant', ['paper', 'authors'])
@pytest.mark.parametrize('batch,dim,size,max_instances', [(1, 2, 6, 1), (2, 3, 7, 4), (3, 8, 5, 6)])
def test_matches_equations(norm, variant, batch, dim, size, max_instances):
    emb, ids = random_batch(batch, dim, size, max_instances, seed=batch * 10 + dim)
    loss = DiscriminativeLoss(norm=norm, variant=variant, **MARGINS)
    expected = reference_batch_loss(emb, ids, norm=norm, variant=variant, **MARGINS)
    torch.testing.assert_close(loss(emb, ids), expected)


def test_terms_match_equations_separately():
    emb, ids = random_batch(1, 4, 8, 5, seed=3)
    weights = dict(delta_v=0.5, delta_d=1.5, alpha=0.7, beta=1.3, gamma=0.1, norm=2)
    terms = DiscriminativeLoss(**weights).terms(emb, ids)
    var, dist, reg = reference_image_loss(emb[0], ids[0], **weights)
    torch.testing.assert_close(terms['var'], var)
    torch.testing.assert_close(terms['dist'], dist)
    torch.testing.assert_close(terms['reg'], reg)


def test_non_consecutive_ids_and_empty_image_in_batch():
    emb, ids = random_batch(3, 4, 6, 3, seed=5, id_pool=[0, 7, 300, 12])
    ids[1] = 0  # an image without instances contributes 0 but counts in the mean
    expected = reference_batch_loss(emb, ids, norm=2, **MARGINS)
    torch.testing.assert_close(DiscriminativeLoss(**MARGINS)(emb, ids), expected)


def test_per_class_mode_never_pushes_classes_apart():
    emb, ids = random_batch(2, 3, 8, 6, seed=9, id_pool=[0, 24001, 24002, 26001, 26005, 26007, 33001])
    loss = DiscriminativeLoss(per_class=True, label_divisor=1000, **MARGINS)
    expected = reference_batch_loss(emb, ids, per_class=True, norm=2, **MARGINS)
    torch.testing.assert_close(loss(emb, ids), expected)
    # Two classes with one coincident instance each: no distance term between them.
    emb = torch.zeros(1, 2, 2, 2, dtype=torch.float64)
    ids = torch.tensor([[[24001, 24001], [26001, 26001]]])
    assert DiscriminativeLoss(per_class=True, **MARGINS).terms(emb, ids)['dist'] == 0
    assert DiscriminativeLoss(per_class=False, **MARGINS).terms(emb, ids)['dist'] > 0


def test_zero_when_margins_hold():
    # Two instances, each within delta_v of its mean, means 2*delta_d + 1 apart; gamma = 0.
    ids = torch.tensor([[[1, 1, 0], [2, 2, 0]]])
    emb = torch.tensor([[[0.1, -0.1, 9.0], [4.1, 3.9, 9.0]], [[0.0, 0.0, 9.0], [0.0, 0.0, 9.0]]])
    loss = DiscriminativeLoss(gamma=0.0)
    assert loss(emb.unsqueeze(0), ids).item() == 0.0


def test_invariant_to_instance_id_permutation():
    emb, ids = random_batch(2, 4, 8, 5, seed=11)
    permutation = torch.tensor([0, 4, 2, 5, 1, 3])  # background stays 0
    loss = DiscriminativeLoss(**MARGINS)
    torch.testing.assert_close(loss(emb, permutation[ids]), loss(emb, ids))


@pytest.mark.parametrize('norm', [1, 2])
@pytest.mark.parametrize('case', ['coincident', 'one_instance', 'no_instance'])
def test_finite_gradients_on_degenerate_inputs(norm, case):
    emb = torch.zeros(2, 4, 5, 5, requires_grad=True)
    ids = {'coincident': torch.randint(0, 4, (2, 5, 5), generator=torch.Generator().manual_seed(0)),
           'one_instance': torch.ones(2, 5, 5, dtype=torch.long),
           'no_instance': torch.zeros(2, 5, 5, dtype=torch.long)}[case]
    value = DiscriminativeLoss(norm=norm)(emb, ids)
    value.backward()
    assert torch.isfinite(value)
    assert torch.isfinite(emb.grad).all()
    if case == 'no_instance':
        assert value.item() == 0.0


def test_gradient_matches_reference():
    emb, ids = random_batch(2, 3, 5, 3, seed=21)
    emb_a, emb_b = emb.clone().requires_grad_(), emb.clone().requires_grad_()
    DiscriminativeLoss(**MARGINS)(emb_a, ids).backward()
    reference_batch_loss(emb_b, ids, norm=2, **MARGINS).backward()
    torch.testing.assert_close(emb_a.grad, emb_b.grad)


@pytest.mark.parametrize('embeddings,ids,error,match', [
    (torch.zeros(1, 2, 4, 4), torch.zeros(1, 4, 5, dtype=torch.long), ValueError, 'matching'),
    (torch.zeros(2, 4, 4), torch.zeros(2, 4, dtype=torch.long), ValueError, r'\[B, D, H, W\]'),
    (torch.zeros(1, 2, 4, 4), torch.zeros(1, 4, 4), TypeError, 'integer'),
    (torch.full((1, 2, 4, 4), float('nan')), torch.ones(1, 4, 4, dtype=torch.long), ValueError, 'NaN'),
    (torch.zeros(1, 2, 4, 4), -torch.ones(1, 4, 4, dtype=torch.long), ValueError, '>= 0'),
])
def test_bad_input_is_rejected_clearly(embeddings, ids, error, match):
    with pytest.raises(error, match=match):
        DiscriminativeLoss()(embeddings, ids)


def test_bad_configuration_is_rejected_clearly():
    with pytest.raises(ValueError, match='norm'):
        DiscriminativeLoss(norm=3)
    with pytest.raises(ValueError, match='delta_v < delta_d'):
        DiscriminativeLoss(delta_v=2.0, delta_d=1.0)
    with pytest.raises(ValueError, match='variant'):
        DiscriminativeLoss(variant='mine')


def realistic_batch(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two 256x256 images of three large instances with 16-D embeddings whose centres are close
    enough to be pushed apart: sizes where float16 sums over an instance overflow."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.zeros(2, 256, 256, dtype=torch.long)
    ids[:, :128] = 1
    ids[:, 128:, :100] = 2
    ids[:, 128:, 100:] = 3
    centres = 0.3 * torch.randn(4, 16, generator=g)
    noise = 0.3 * torch.randn(2, 256, 256, 16, generator=g)
    return (centres[ids] + noise).permute(0, 3, 1, 2).contiguous(), ids


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
@pytest.mark.parametrize('per_class', [False, True])
def test_half_precision_inputs_give_the_float32_loss(dtype, per_class):
    # The loss of the same (rounded) values computed in float32: only the input is low precision.
    emb, ids = realistic_batch()
    low = emb.to(dtype)
    loss = DiscriminativeLoss(per_class=per_class, **MARGINS)
    terms, expected = loss.terms(low, ids), loss.terms(low.float(), ids)
    assert expected['dist'] > 0
    for name in ('var', 'dist', 'reg'):
        assert terms[name].dtype == torch.float32
        torch.testing.assert_close(terms[name], expected[name], rtol=1e-5, atol=0)


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_gradient_flows_back_in_the_input_dtype(dtype):
    emb, ids = realistic_batch(1)
    low = emb.to(dtype).requires_grad_()
    full = emb.to(dtype).float().requires_grad_()
    DiscriminativeLoss(**MARGINS)(low, ids).backward()
    DiscriminativeLoss(**MARGINS)(full, ids).backward()
    assert low.grad.dtype == dtype
    # the float32 gradient rounded to the input dtype, within that dtype's resolution
    torch.testing.assert_close(low.grad, full.grad.to(dtype))


def test_far_from_the_origin_the_pull_and_push_terms_do_not_change():
    # L_var and L_dist depend on differences only; L_reg is the mean norm of the shifted means.
    emb, ids = realistic_batch(2)
    loss = DiscriminativeLoss(**MARGINS)
    near, far = loss.terms(emb, ids), loss.terms(emb + 3000.0, ids)
    torch.testing.assert_close(far['var'], near['var'], rtol=1e-4, atol=0)
    torch.testing.assert_close(far['dist'], near['dist'], rtol=1e-4, atol=0)
    expected_reg = reference_batch_loss(emb.double() + 3000.0, ids, norm=2, delta_v=0.5,
                                        delta_d=1.5, alpha=0.0, beta=0.0, gamma=0.001)
    torch.testing.assert_close(far['reg'].double(), expected_reg, rtol=1e-5, atol=0)
