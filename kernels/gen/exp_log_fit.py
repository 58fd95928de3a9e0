#!/usr/bin/env python3
"""Fits the polynomials of the vector exp, log and tanh (ExpLogCoefficients.java) with mpmath's
near-minimax Chebyshev fit, prints their worst relative error, and writes the Java file.
Run with a Python that has mpmath (Debian: python3-mpmath)."""
from pathlib import Path
import mpmath as mp

mp.mp.dps = 50
LN2 = mp.log(2)
TANH_SMALL = mp.mpf("0.625")
S_MAX = (mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)  # |s| for m in [sqrt(1/2), sqrt(2)), s = (m - 1) / (m + 1)


def exp_tail(r):   # e^r = 1 + r + r^2 P(r)
    return (mp.exp(r) - 1 - r) / (r * r) if r != 0 else mp.mpf(1) / 2


def log_tail(z):   # log((1 + s) / (1 - s)) = 2 s + s z P(z), z = s^2
    if z == 0:
        return mp.mpf(2) / 3
    s = mp.sqrt(z)
    return (2 * mp.atanh(s) / s - 2) / z


def tanh_tail(z):  # tanh(x) = x + x z P(z), z = x^2
    if z == 0:
        return -mp.mpf(1) / 3
    x = mp.sqrt(z)
    return (mp.tanh(x) / x - 1) / z


FITS = {  # name: (function, interval, degree for float, degree for double)
    "EXP": (exp_tail, (-LN2 / 2, LN2 / 2), 4, 9),
    "LOG": (log_tail, (0, S_MAX ** 2), 2, 6),
    "TANH": (tanh_tail, (0, TANH_SMALL ** 2), 4, 10),
}


def fit(f, interval, degree):
    poly = mp.chebyfit(f, list(interval), degree + 1)
    return list(reversed(poly))  # ascending


def worst(name, coeffs):
    c = [mp.mpf(x) for x in coeffs]
    def p(t):
        return mp.polyval(list(reversed(c)), t)
    if name == "EXP":
        pts = mp.linspace(-LN2 / 2, LN2 / 2, 4001)
        return max(abs((1 + r + r * r * p(r)) / mp.exp(r) - 1) for r in pts)
    if name == "LOG":
        pts = mp.linspace(mp.mpf("1e-8"), S_MAX, 4001)
        return max(abs((2 * s + s * s * s * p(s * s)) / (2 * mp.atanh(s)) - 1) for s in pts)
    pts = mp.linspace(mp.mpf("1e-8"), TANH_SMALL, 4001)
    return max(abs((x + x ** 3 * p(x * x)) / mp.tanh(x) - 1) for x in pts)


def split(value, bits):
    """value = hi + lo with hi holding `bits` significant bits, so that n * hi is exact for small n."""
    e = mp.floor(mp.log(abs(value), 2))
    scale = mp.mpf(2) ** (bits - 1 - e)
    hi = mp.floor(value * scale + mp.mpf(1) / 2) / scale
    return float(hi), float(value - hi)


def java():
    lines = [
        "package dev.vecgrad.kernels;",
        "",
        "/**",
        " * Polynomials of the vector exp, log and tanh in {@link FloatSimd} / {@code DoubleSimd}, fitted for",
        " * vecgrad by {@code kernels/gen/exp_log_fit.py} (near-minimax Chebyshev fits in 50-digit arithmetic).",
        " * Built from IEEE additions, multiplications and FMAs only, these functions give the same bits",
        " * interpreted and compiled, which the Vector API's own EXP / LOG / TANH do not (C2 calls a vector",
        " * math library, the interpreter Math), so training runs repeat exactly. Coefficients ascend.",
        " */",
        "final class ExpLogCoefficients {",
        "",
        "    private ExpLogCoefficients() {}",
        "",
    ]
    for name, (f, interval, df, dd) in FITS.items():
        for prec, deg in (("FLOAT", df), ("DOUBLE", dd)):
            c = fit(f, interval, deg)
            err = worst(name, c)
            print(f"{name}_{prec}: degree {deg}, worst relative error {mp.nstr(err, 3)}")
            doc = {"EXP": "e^r = 1 + r + r^2 P(r) on |r| <= ln(2) / 2",
                   "LOG": "log((1 + s) / (1 - s)) = 2 s + s^3 P(s^2) on |s| <= (sqrt 2 - 1) / (sqrt 2 + 1)",
                   "TANH": "tanh(x) = x + x^3 P(x^2) on |x| < 0.625"}[name]
            lines.append(f"    /** {doc}; worst relative error {mp.nstr(err, 2)}. */")
            lines.append(f"    static final double[] {name}_{prec} = {{")
            vals = [repr(float(x)) for x in c]
            for i in range(0, len(vals), 4):
                lines.append("        " + ", ".join(vals[i:i + 4]) + ",")
            lines.append("    };")
            lines.append("")
    fh, fl = split(LN2, 16)
    dh, dl = split(LN2, 42)
    lines += [
        "    /** ln 2 = HI + LO, HI with 16 significant bits (float) or 42 (double), so that n HI is exact for the n exp and log meet. */",
        f"    static final float LN2_HI_FLOAT = {fh!r}f;",
        f"    static final float LN2_LO_FLOAT = {fl!r}f;",
        f"    static final double LN2_HI_DOUBLE = {dh!r};",
        f"    static final double LN2_LO_DOUBLE = {dl!r};",
        "",
        "    /** Below this |x| tanh uses its polynomial, above it 1 - 2 / (e^(2|x|) + 1). */",
        f"    static final float TANH_SMALL_FLOAT = {float(TANH_SMALL)!r}f;",
        f"    static final double TANH_SMALL_DOUBLE = {float(TANH_SMALL)!r};",
        "}",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "src/main/java/dev/vecgrad/kernels/ExpLogCoefficients.java"
    out.write_text(java())
    print("wrote", out)
