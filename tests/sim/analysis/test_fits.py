"""Scaling-law fits against values worked out by hand, and recovery of exact laws."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.analysis.fits import amdahl_fit, gustafson_fit, karp_flatt


def test_amdahl_fit_of_exact_points():
    # s = 0.25: S(2) = 1 / (0.25 + 0.75/2) = 1.6, S(4) = 1 / (0.25 + 0.75/4) = 16/7
    fit = amdahl_fit([1, 2, 4], [1.0, 1.6, 16 / 7])
    assert fit.law == "amdahl" and fit.points == 2
    assert fit.serial_fraction == pytest.approx(0.25, rel=1e-12)
    assert fit.limit == pytest.approx(4.0)
    assert fit.rms_error == pytest.approx(0.0, abs=1e-12)
    assert fit.predict(8) == pytest.approx(1 / (0.25 + 0.75 / 8))


def test_amdahl_least_squares_by_hand():
    # x = 1 - 1/P, y = 1/S - 1/P: (0.5, 0.125) and (0.75, 0.25)
    # s = (0.5*0.125 + 0.75*0.25) / (0.5^2 + 0.75^2) = 0.25 / 0.8125 = 4/13
    fit = amdahl_fit([2, 4], [1.6, 2.0])
    assert fit.serial_fraction == pytest.approx(4 / 13, rel=1e-12)
    s = 4 / 13
    pred = [1 / (s + (1 - s) / 2), 1 / (s + (1 - s) / 4)]
    want = math.sqrt(((pred[0] - 1.6) ** 2 + (pred[1] - 2.0) ** 2) / 2)
    assert fit.rms_error == pytest.approx(want, rel=1e-12)


def test_gustafson_least_squares_by_hand():
    # P - S = s (P - 1): (P=2, S=1.9) and (P=4, S=3.4): s = (1*0.1 + 3*0.6) / (1 + 9) = 0.19
    fit = gustafson_fit([1, 2, 4], [1.0, 1.9, 3.4])
    assert fit.law == "gustafson" and fit.points == 2
    assert fit.serial_fraction == pytest.approx(0.19, rel=1e-12)
    assert fit.predict(4) == pytest.approx(4 - 0.19 * 3)
    assert fit.limit == math.inf


def test_karp_flatt_by_hand():
    # P = 4, S = 3: (1/3 - 1/4) / (1 - 1/4) = (1/12) / (3/4) = 1/9; P = 2, S = 2: 0
    e = karp_flatt([1, 4, 2, 8], [1.0, 3.0, 2.0, None])
    assert np.isnan(e[0]) and np.isnan(e[3])
    assert e[1] == pytest.approx(1 / 9, rel=1e-12)
    assert e[2] == pytest.approx(0.0, abs=1e-15)


def test_karp_flatt_only_where_it_means_something():
    # S = 0.5 < 1 on 2 PEs: e = (2 - 1/2) / (1/2) = 3 -> NaN; S = 5 > P = 4: e = -1/15
    # -> NaN; S = 8 (1 + 1e-15) on 8 PEs: rounding noise below 0 -> exactly 0;
    # S = 1 on 4 PEs: e = 1 (fully serial) is kept
    e = karp_flatt([2, 4, 8, 4], [0.5, 5.0, 8.0 * (1 + 1e-15), 1.0])
    assert np.isnan(e[0]) and np.isnan(e[1])
    assert e[2] == 0.0 and not np.signbit(e[2])
    assert e[3] == 1.0


def test_no_fit_without_a_parallel_point():
    assert amdahl_fit([1, 1], [1.0, 1.0]) is None
    assert gustafson_fit([4], [None]) is None
    assert amdahl_fit([1, 2], [1.0, 2.0]).limit == math.inf   # s = 0: no limit


pes_lists = st.lists(st.integers(2, 4096), min_size=1, max_size=8)


@settings(max_examples=40)
@given(s=st.floats(0.0, 1.0), pes=pes_lists)
def test_fits_recover_the_law_that_made_the_points(s, pes):
    p = np.array(pes, dtype=float)
    amdahl = 1 / (s + (1 - s) / p)
    gustafson = p - s * (p - 1)
    assert amdahl_fit(p, amdahl).serial_fraction == pytest.approx(s, abs=1e-9)
    assert gustafson_fit(p, gustafson).serial_fraction == pytest.approx(s, abs=1e-9)
    # the Karp-Flatt metric of exact Amdahl points is s itself
    assert np.allclose(karp_flatt(p, amdahl), s, atol=1e-9)


@settings(max_examples=60)
@given(p=st.integers(2, 4096), s=st.floats(1e-6, 1e4))
def test_karp_flatt_is_in_0_1_exactly_when_1_le_s_le_p(p, s):
    e = float(karp_flatt([p], [s])[0])
    if 1.0 + 1e-6 < s < p * (1 - 1e-6):
        assert 0.0 <= e <= 1.0
        assert e == pytest.approx((1 / s - 1 / p) / (1 - 1 / p), rel=1e-9, abs=1e-9)
    elif s < 1 - 1e-6 or s > p * (1 + 1e-6):
        assert np.isnan(e)
