import numpy as np

from nnplayground.app.epoch_means import EpochMeans


def test_each_epochs_mean_equals_the_mean_of_its_iterations_however_the_losses_arrive():
    rng = np.random.default_rng(0)
    y = rng.random(1_003)
    means = EpochMeans(7)
    for start in range(0, y.size, 50):  # frames of 50 new losses
        means.update(y[: start + 50], start)
    ends, values = means.curve()
    assert ends.tolist() == [7.0 * (k + 1) for k in range(1_003 // 7)]
    np.testing.assert_allclose(values, y[: 143 * 7].reshape(143, 7).mean(axis=1), rtol=1e-12)


def test_past_its_blocks_a_point_spans_two_four_epochs_and_a_changed_history_is_taken_again():
    y = np.arange(1.0, 401.0)
    means = EpochMeans(5, max_blocks=16)
    means.update(y, 0)
    ends, values = means.curve()
    assert means.block == 40 and ends.tolist() == [40.0 * (k + 1) for k in range(10)]
    np.testing.assert_allclose(values, y.reshape(10, 40).mean(axis=1), rtol=1e-12)
    changed = y.copy()
    changed[100:] = 0.0
    means.update(changed, 100)  # losses from 100 on were replaced (a restored session, a new run)
    np.testing.assert_allclose(means.curve()[1], changed.reshape(10, 40).mean(axis=1), rtol=1e-12)
