#!/usr/bin/env python3
"""Writes kernels/src/main/java/dev/vecgrad/kernels/DirectConvSimd.java: the register-blocked
micro-kernels of DirectConv (direct convolution at stride 1), one method per shape, every
accumulator a local variable so that C2 keeps them in registers.

  forward MxN: M vectors of consecutive output positions x N output channels; per tap k, M
               vector loads of the padded input at off[k] + p and N broadcasts of the packed weight.
  weight  KxV: K taps x V vectors of output channels (dW transposed, [tap][channel]); per output
               position, V vector loads of the channel-last output gradient and K broadcasts of
               the padded input at off[k] + position; the accumulators continue from dwt.
  weightLast MxN: M vectors of input channels (of one tap each) x N output channels, both
               gradients channels-last; per output position, M vector loads of the input and N
               broadcasts of the output gradient: for few output channels (16: one vector), where
               K x 1 would load once per multiply-add.

Shapes: forward 3x8, weight 12x2, 12x1 and weightLast 3x8 for 32 vector registers (AVX-512, NEON);
forward 2x4, weight 6x2, 6x1 and weightLast 2x4 for 16 (AVX2). Writing also updates its lines in kernels/gen/checksums.txt;
--check writes nothing and exits 1 when the file is stale.
"""
import sys
from pathlib import Path

import checksums

FORWARD = [(3, 8), (2, 4)]
WEIGHT = [(12, 2), (12, 1), (6, 2), (6, 1)]
WEIGHT_LAST = [(3, 8), (2, 4)]


def forward(m, n):
    acc = [[f"c{j}_{v}" for v in range(m)] for j in range(n)]
    out = [f"    /** y[yo + j ld + p + v VL] = sum over taps k of xp[off[k] + p + v VL] wpk[wb + {n} k + j], for j < {n}, v < {m}. */",
           f"    static void forward{m}x{n}(float[] xp, int[] off, int taps, float[] wpk, int wb, int p, float[] y, int yo, int ld) {{"]
    out.append("        FloatVector zero = FloatVector.zero(S);")
    out.append("        FloatVector " + ",\n                ".join(", ".join(f"{a} = zero" for a in row) for row in acc) + ";")
    out.append("        for (int k = 0; k < taps; k++) {")
    out.append("            int a = off[k] + p;")
    for v in range(m):
        out.append(f"            FloatVector x{v} = FloatVector.fromArray(S, xp, a{' + ' + str(v) + ' * VL' if v else ''});")
    out.append(f"            int wk = wb + {n} * k;")
    out.append("            FloatVector b;")
    for j in range(n):
        line = f"            b = FloatVector.broadcast(S, wpk[wk{' + ' + str(j) if j else ''}]);"
        line += "".join(f" {acc[j][v]} = x{v}.fma(b, {acc[j][v]});" for v in range(m))
        out.append(line)
    out.append("        }")
    for j in range(n):
        at = f"yo + {j} * ld + p" if j else "yo + p"
        out.append("        " + " ".join(f"{acc[j][v]}.intoArray(y, {at}{' + ' + str(v) + ' * VL' if v else ''});" for v in range(m)))
    out.append("    }")
    return out


def accumulating(doc, signature, acc, array, row, offsets, d0, xq_row, q_step, loads, broadcast, fma):
    """A kernel whose acc[i][v] continue from array[at + i row + v VL] over the images, rows and columns of
    the output gradient: loads and broadcast(i) give each position's operands, fma(i, v) one multiply-add."""
    out = ["    /**"] + [f"     * {line}" for line in doc] + ["     */", signature]
    for i, vectors in enumerate(acc):
        out.append("        FloatVector " + ",\n                ".join(
            f"{a} = FloatVector.fromArray(S, {array}, at + {i} * {row}{' + ' + str(v) + ' * VL' if v else ''})"
            for v, a in enumerate(vectors)) + ";")
    out.append("        int " + ",\n                ".join(", ".join(offsets[i:i + 6]) for i in range(0, len(offsets), 6)) + ";")
    out.append(f"        int d = {d0};")
    out.append("        for (int b = 0; b < images; b++) {")
    out.append("            for (int r = 0; r < oh; r++) {")
    out.append(f"                int {xq_row};")
    out.append(f"                for (int q = 0; q < ow; q++, {q_step}) {{")
    out += [f"                    {line}" for line in loads]
    for i, vectors in enumerate(acc):
        out.append(f"                    {broadcast(i)}" + "".join(f" {a} = {fma(i, v)};" for v, a in enumerate(vectors)))
    out.append("                }")
    out.append("            }")
    out.append("        }")
    for i, vectors in enumerate(acc):
        out.append("        " + " ".join(f"{a}.intoArray({array}, at + {i} * {row}{' + ' + str(v) + ' * VL' if v else ''});"
                                         for v, a in enumerate(vectors)))
    out.append("    }")
    return out


def weight(kr, nv):
    acc = [[f"c{i}_{v}" for v in range(nv)] for i in range(kr)]
    return accumulating(
        ["dwt[at + i opad + v VL ..] += sum over the images, rows r < oh and columns q < ow of",
         f"dyT[d0 + ((b oh + r) ow + q) opad + v VL ..] xp[b xStride + r wp + q + off[k0 + i]], for i < {kr}, v < {nv}:",
         "each lane one chain, in the order b, r, q, continuing from dwt."],
        f"    static void weight{kr}x{nv}(float[] dyT, int d0, int opad, float[] xp, int[] off, int k0, int images, int xStride, int oh, int ow,\n"
        f"            int wp, float[] dwt, int at) {{",
        acc, "dwt", "opad", [f"o{i} = off[k0 + {i}]" for i in range(kr)], "d0", "xr = b * xStride + r * wp", "d += opad",
        ["int xq = xr + q;"]
        + [f"FloatVector y{v} = FloatVector.fromArray(S, dyT, d{' + ' + str(v) + ' * VL' if v else ''});" for v in range(nv)]
        + ["FloatVector x;"],
        lambda i: f"x = FloatVector.broadcast(S, xp[xq + o{i}]);",
        lambda i, v: f"y{v}.fma(x, {acc[i][v]})")


def weight_cl(m, n):
    acc = [[f"c{j}_{v}" for v in range(m)] for j in range(n)]
    return accumulating(
        ["dwc[at + j ld + v VL ..] += sum over the images, rows r < oh and columns q < ow of",
         "dyT[((b oh + r) ow + q) opad + oc0 + j] xT[b xStride + r wpc + q cpad + coff[col0 + v] ..],",
         f"for j < {n}, v < {m}: channels-last, the lanes input channels; each lane one chain, in the",
         "order b, r, q, continuing from dwc."],
        f"    static void weightLast{m}x{n}(float[] xT, int[] coff, int col0, int cpad, float[] dyT, int opad, int oc0, int images, int xStride,\n"
        f"            int oh, int ow, int wpc, float[] dwc, int at, int ld) {{",
        acc, "dwc", "ld", [f"o{v} = coff[col0 + {v}]" for v in range(m)], "oc0", "xq = b * xStride + r * wpc",
        "d += opad, xq += cpad",
        [f"FloatVector x{v} = FloatVector.fromArray(S, xT, xq + o{v});" for v in range(m)] + ["FloatVector y;"],
        lambda j: f"y = FloatVector.broadcast(S, dyT[d{' + ' + str(j) if j else ''}]);",
        lambda j, v: f"x{v}.fma(y, {acc[j][v]})")


def source():
    lines = ["// GENERATED by kernels/gen/directconv.py -- edit the generator, not this file.",
             "package dev.vecgrad.kernels;",
             "",
             "import jdk.incubator.vector.FloatVector;",
             "import jdk.incubator.vector.VectorSpecies;",
             "",
             "/**",
             " * The micro-kernels of {@link DirectConv} on the preferred species: forward " + ", ".join(f"{m}x{n}" for m, n in FORWARD)
             + " (vectors of",
             " * positions x output channels), weight " + ", ".join(f"{k}x{v}" for k, v in WEIGHT)
             + " (taps x vectors of output channels) and",
             " * weightLast " + ", ".join(f"{m}x{n}" for m, n in WEIGHT_LAST)
             + " (vectors of input channels x output channels). Every",
             " * lane is one chain of fused multiply-adds in a fixed order, so the results do not depend on the",
             " * vector width or on which kernel shape ran. They call {@code fma} directly (a helper choosing",
             " * between fma and mul-add, as the GEMM's, took the 12x2 weight kernel past C2's inlining node",
             " * limit: 8 GFLOP/s instead of 140); DirectConv runs them only where the FMA is in hardware.",
             " */",
             "final class DirectConvSimd {",
             "",
             "    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;",
             "    static final int VL = S.length();",
             "",
             "    private DirectConvSimd() {}",
             ]
    for m, n in FORWARD:
        lines += [""] + forward(m, n)
    for k, v in WEIGHT:
        lines += [""] + weight(k, v)
    for m, n in WEIGHT_LAST:
        lines += [""] + weight_cl(m, n)
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "src/main/java/dev/vecgrad/kernels/DirectConvSimd.java"
    text = source()
    if "--check" in sys.argv:
        sys.exit(0 if target.exists() and target.read_text() == text else f"stale: {target.name}: run python3 kernels/gen/directconv.py")
    target.write_text(text)
    print("wrote", target)
    checksums.record("kernels/gen/directconv.py")
