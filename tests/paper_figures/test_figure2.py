"""Figure 2's arrows against gradients worked out by hand from Eq. 1-2 of the paper."""
import numpy as np
import pytest

from discseg.models.losses import DiscriminativeLoss
from paper_figures.figure2 import draw_figure2, example_clusters, loss_forces

DELTA_V, DELTA_D = 0.5, 1.5


def test_pull_on_a_symmetric_cluster():
    # One cluster (C = 1), mean 0: (+-1, 0) lie 1 from it, (0, 0) on it. With the mean's share of
    # the gradient cancelling by symmetry, dL_var/dx_i = 2 / N_c * (d_i - delta_v) * u_i.
    points = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]])
    forces = loss_forces(points, np.array([1, 1, 1]), DiscriminativeLoss(DELTA_V, DELTA_D))
    expected = 2 / 3 * (1 - DELTA_V)
    np.testing.assert_allclose(forces.pull, [[-expected, 0], [expected, 0], [0, 0]], atol=1e-9)
    assert forces.pulled.tolist() == [True, True, False]  # no arrow inside delta_v


def test_push_between_close_means_only():
    # Means (0, 0) and (2, 0) are 2 < 2 delta_d = 3 apart, (10, 0) is out of reach. C = 3, ordered
    # pairs: -dL_dist/dmu_A = 2 / (C (C - 1)) * 2 (2 delta_d - D) (mu_A - mu_B) / D.
    points = np.array([[0, 0.1], [0, -0.1], [2, 0.1], [2, -0.1], [10, 0.1], [10, -0.1]])
    forces = loss_forces(points, np.array([1, 1, 2, 2, 3, 3]), DiscriminativeLoss(DELTA_V, DELTA_D))
    np.testing.assert_allclose(forces.means, [[0, 0], [2, 0], [10, 0]], atol=1e-12)
    magnitude = 2 / 6 * 2 * (2 * DELTA_D - 2)
    np.testing.assert_allclose(forces.push, [[-magnitude, 0], [magnitude, 0], [0, 0]], atol=1e-9)
    assert forces.pushed.tolist() == [True, True, False]


def test_figure_arrows_pull_inwards_and_push_apart(tmp_path):
    points, ids = example_clusters()
    forces = loss_forces(points, ids, DiscriminativeLoss(DELTA_V, DELTA_D))
    towards_mean = forces.means[ids - 1] - points
    assert forces.pulled.any() and not forces.pulled.all()
    assert not forces.pull[~forces.pulled].any()
    # Just outside delta_v the mean's share of the gradient (every point moves the mean) can win;
    # clearly outside, the pull points inwards.
    clearly_out = np.linalg.norm(towards_mean, axis=1) > DELTA_V + 0.1
    assert (np.einsum('ij,ij->i', forces.pull, towards_mean)[clearly_out] > 0).all()
    assert forces.pushed.tolist() == [True, True, False]
    apart = forces.means[0] - forces.means[1]
    assert forces.push[0] @ apart > 0 and forces.push[1] @ apart < 0
    assert draw_figure2(tmp_path / 'figure2.png').stat().st_size > 0


def test_ids_must_number_the_instances():
    with pytest.raises(ValueError, match='1..K'):
        loss_forces(np.zeros((2, 2)), np.array([1, 3]), DiscriminativeLoss())
