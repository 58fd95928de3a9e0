#!/usr/bin/env python3
"""Generates FloatMicroKernels.java, DoubleMicroKernels.java, and the double twins of FloatGemm,
FloatSimd, FloatScalar, FloatImageScalar and FloatImageSimd (DoubleGemm, DoubleSimd, DoubleScalar,
DoubleImageScalar, DoubleImageSimd); a twin leaves out what lies
between a "// ---- float only: ..." line and a "// ---- end float only ----" line (the byte
conversion). Writing also updates its lines in kernels/gen/checksums.txt; --check writes nothing
and exits 1 when a file is stale.

A micro-kernel multiplies an h-row sliver of U by a w-vector-wide sliver of V over kc steps,
keeping the h x w accumulators in registers, and writes an h x (w * VL) block of C: each
accumulator starts from C (fromC) or from 0 without reading C, takes one FMA per step, and is
stored. The driver starts from C after the first KC block (the chain goes on) and for beta 1,
and applies alpha and other betas in passes of its own: every element of C is one FMA chain over
p = 0 .. k-1, whatever KC, MC, NC and the vector width. Edge tiles run on a scratch tile holding
the valid part of C, copied back after. Java cannot index registers, so every register shape is
its own method; this script writes them. Run it from the repository root after changing it:

    python3 kernels/gen/microkernels.py

V is read p-major, v[vi + p * vs + lane]: from a packed sliver (vs = w * VL) or straight
from a row-major B (vs = ldb). U comes in two layouts
(see GemmDriver): ROWS, row r at u[ui + r * KC + p] with KC a constant, and SLIVER, the BLIS
micro-panel, u[ui + p * us + r]: us = h when packed, lda when a transposed A is read in place.
"""
import re
import sys
from pathlib import Path

import checksums

HEIGHTS = {"ROWS": [8, 6, 4, 2], "SLIVER": [8, 6, 4, 2]}
WIDTHS = [2, 1]

TYPES = {
    "float": dict(cls="FloatMicroKernels", vec="FloatVector", prim="float", blocking="GemmBlocking.FLOAT"),
    "double": dict(cls="DoubleMicroKernels", vec="DoubleVector", prim="double", blocking="GemmBlocking.DOUBLE"),
}


def kernel(t, layout, h, w):
    vec, prim = t["vec"], t["prim"]
    name = f"{layout.lower()}{h}x{w}"
    if layout == "ROWS":
        uaddr = lambda r: "u[up]" if r == 0 else "u[up + KC]" if r == 1 else f"u[up + {r} * KC]"
        ustep = "int up = ui + p;"
    else:
        uaddr = lambda r: "u[up]" if r == 0 else f"u[up + {r}]"
        ustep = "int up = ui + p * us;"
    out = []
    out.append(f"    /** {h} rows x {w} vector{'s' if w > 1 else ''}, U in the {layout} layout. */")
    out.append(f"    static void {name}(int kc, {prim}[] u, int ui, {'int us, ' if layout == 'SLIVER' else ''}{prim}[] v, int vi, int vs,")
    out.append(f"            {prim}[] c, int ci, int ldc, boolean fromC) {{")
    # each element's chain goes on from C (fromC), or starts from 0 without reading C (which may hold NaN then): every
    # element is one FMA chain over p = 0 .. k-1 whatever the block sizes. No multiplies by alpha or beta here: with them
    # (32 more vector calls inlined before the loop) C2 left the loop's vector calls out of line, at 5 GFLOP/s
    out.append(f"        {prim}[] from = fromC ? c : ZEROS;")
    out.append("        int fi = fromC ? ci : 0;")
    out.append("        int fl = fromC ? ldc : 0;")
    for r in range(h):
        row = "fi" if r == 0 else f"fi + {r} * fl" if r > 1 else "fi + fl"
        out.append("        " + " ".join(f"{vec} c{r}_{j} = {vec}.fromArray(S, from, {row}{col_off(j)});" for j in range(w)))
    out.append("        for (int p = 0; p < kc; p++) {")
    out.append(f"            {ustep}")
    out.append("            int vp = vi + p * vs;")
    for j in range(w):
        off = "vp" if j == 0 else f"vp + {j} * VL" if j > 1 else "vp + VL"
        out.append(f"            {vec} b{j} = {vec}.fromArray(S, v, {off});")
    for r in range(h):
        out.append(f"            {'' if r else vec + ' '}a = {vec}.broadcast(S, {uaddr(r)});")
        out.append("            " + " ".join(f"c{r}_{j} = madd(a, b{j}, c{r}_{j});" for j in range(w)))
    out.append("        }")
    for r in range(h):
        row = "ci" if r == 0 else f"ci + {r} * ldc" if r > 1 else "ci + ldc"
        out.append("        " + " ".join(f"c{r}_{j}.intoArray(c, {row}{col_off(j)});" for j in range(w)))
    out.append("    }")
    return "\n".join(out)


def col_off(j):
    return "" if j == 0 else " + VL" if j == 1 else f" + {j} * VL"


def dispatch(t, layout):
    prim = t["prim"]
    out = [f"    /** Runs the {layout} kernel of height {{@code h}} and width {{@code w}} vectors. */",
           f"    static void {layout.lower()}(int h, int w, int kc, {prim}[] u, int ui, {'int us, ' if layout == 'SLIVER' else ''}{prim}[] v, int vi, int vs,",
           f"            {prim}[] c, int ci, int ldc, boolean fromC) {{",
           "        if (w == 2) {",
           "            switch (h) {"]
    for h in HEIGHTS[layout]:
        out.append(f"                case {h} -> {layout.lower()}{h}x2(kc, u, ui, {'us, ' if layout == 'SLIVER' else ''}v, vi, vs, c, ci, ldc, fromC);")
    out.append('                default -> throw new IllegalArgumentException("no kernel of height " + h);')
    out.append("            }")
    out.append("        } else {")
    out.append("            switch (h) {")
    for h in HEIGHTS[layout]:
        out.append(f"                case {h} -> {layout.lower()}{h}x1(kc, u, ui, {'us, ' if layout == 'SLIVER' else ''}v, vi, vs, c, ci, ldc, fromC);")
    out.append('                default -> throw new IllegalArgumentException("no kernel of height " + h);')
    out.append("            }")
    out.append("        }")
    out.append("    }")
    return "\n".join(out)


TRANSPOSE_SIZES = [16, 8]


def transposes(t):
    """In-register VL x VL transposes for the packing of a transposed B (see FloatGemm): log2(VL)
    stages of two-vector shuffles, each swapping the off-diagonal halves of ever smaller blocks.
    Each size comes twice: with selectFrom(v1, v2), one two-source permute (vpermt2ps) where C2
    has it, and with rearrange(shuffle, v), two one-source permutes and a blend, everywhere."""
    vec, prim, box = t["vec"], t["prim"], t["prim"].capitalize()
    out = [f"""    /** Whether {{@link #transpose}} runs in registers here: VL is one of {TRANSPOSE_SIZES}. */
    static final boolean REGISTER_TRANSPOSE = VL == 16 || VL == 8;
    /**
     * Whether the transposes use {{@code selectFrom(v1, v2)}}: on x86 with 512-bit vectors, which
     * means AVX-512, where C2 turns it into one two-source permute (vpermt2ps). Elsewhere they use
     * {{@code rearrange(shuffle, v)}}. Measured on an AVX-512 Zen 4-class core, NT products
     * alternating the two: 512-bit 5-7% faster with selectFrom (64x128x784 95.3-96.7 against
     * 90.4-90.5 GFLOP/s), and C2's compile of the 16 x 16 transpose 0.10-0.14 s instead of
     * 0.34-0.38 s (a cold demo compiles it once); 256-bit AVX-512VL code within 1%; AVX2 code
     * ({{@code -XX:UseAVX=2}}, no two-source permute) 6-8% slower.
     */
    static final boolean TWO_VECTOR_SELECT = S.vectorBitSize() == 512 && CpuInfo.X86;
    private static final int STAGES = Integer.numberOfTrailingZeros(VL);
    /** Stage s's shuffles for the first and the second row of a pair: lanes 0..VL-1 of the first, VL..2VL-1 of the second. */
    private static final VectorShuffle<{box}>[] T_LO = transposeShuffles(true);
    private static final VectorShuffle<{box}>[] T_HI = transposeShuffles(false);
    /** The same lane sources as index vectors, for {{@code selectFrom(v1, v2)}}. */
    private static final {vec}[] X_LO = transposeIndexes(true);
    private static final {vec}[] X_HI = transposeIndexes(false);

    /** Where lane {{@code lane}} of stage {{@code st}}'s result comes from: 0..VL-1 the first row, VL..2VL-1 the second. */
    private static int transposeSource(int st, int lane, boolean first) {{
        int h = VL >> (st + 1);
        int block = lane / (2 * h) * 2 * h;
        int o = lane % (2 * h);
        // the first row keeps its low halves and takes the second's; the second takes the first's high halves
        return first ? (o < h ? block + o : VL + block + o - h) : (o < h ? block + h + o : VL + block + o);
    }}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<{box}>[] transposeShuffles(boolean first) {{
        VectorShuffle<{box}>[] out = new VectorShuffle[STAGES];
        for (int st = 0; st < STAGES; st++) {{
            int stage = st;
            out[st] = VectorShuffle.fromOp(S, lane -> transposeSource(stage, lane, first));
        }}
        return out;
    }}

    private static {vec}[] transposeIndexes(boolean first) {{
        {vec}[] out = new {vec}[STAGES];
        for (int st = 0; st < STAGES; st++) {{
            {prim}[] index = new {prim}[VL];
            for (int lane = 0; lane < VL; lane++) {{
                index[lane] = transposeSource(st, lane, first);
            }}
            out[st] = {vec}.fromArray(S, index, 0);
        }}
        return out;
    }}

    /** dst[d + r * lanes + q] = src[s + q * ld + r] for q, r < VL, in registers; only when {{@link #REGISTER_TRANSPOSE}}. */
    static void transpose({prim}[] src, int s, int ld, {prim}[] dst, int d, int lanes) {{
        transpose(src, s, ld, dst, d, lanes, TWO_VECTOR_SELECT);
    }}

    /** {{@link #transpose}} with the permutes chosen by the caller (tests run both; without AVX-512 select is slow). */
    static void transpose({prim}[] src, int s, int ld, {prim}[] dst, int d, int lanes, boolean select) {{
        if (VL == 16) {{
            if (select) {{
                transpose16Select(src, s, ld, dst, d, lanes);
            }} else {{
                transpose16(src, s, ld, dst, d, lanes);
            }}
        }} else if (select) {{
            transpose8Select(src, s, ld, dst, d, lanes);
        }} else {{
            transpose8(src, s, ld, dst, d, lanes);
        }}
    }}
"""]
    for n in TRANSPOSE_SIZES:
        for select in (False, True):
            out.append(f"    private static void transpose{n}{'Select' if select else ''}({prim}[] src, int s, int ld, {prim}[] dst, int d, int lanes) {{")
            for q in range(n):
                out.append(f"        {vec} r{q} = {vec}.fromArray(S, src, s + {q} * ld);")
            out.append(f"        {vec} t;")
            stage, h = 0, n // 2
            while h >= 1:
                for r in range(n):
                    if r & h:
                        continue
                    if select:
                        out.append(f"        t = X_LO[{stage}].selectFrom(r{r}, r{r + h});")
                        out.append(f"        r{r + h} = X_HI[{stage}].selectFrom(r{r}, r{r + h});")
                    else:
                        out.append(f"        t = r{r}.rearrange(T_LO[{stage}], r{r + h});")
                        out.append(f"        r{r + h} = r{r}.rearrange(T_HI[{stage}], r{r + h});")
                    out.append(f"        r{r} = t;")
                stage, h = stage + 1, h // 2
            for r in range(n):
                out.append(f"        r{r}.intoArray(dst, d + {r} * lanes);")
            out.append("    }")
            out.append("")
    return "\n".join(out)


def source(t):
    vec, prim = t["vec"], t["prim"]
    parts = [f"""// GENERATED by kernels/gen/microkernels.py -- edit the generator, not this file.
package dev.vecgrad.kernels;

import jdk.incubator.vector.{vec};
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked {prim} GEMM micro-kernels on the preferred species: each keeps an
 * h x (w vectors) block of C in registers for {{@code kc}} steps, then updates C.
 * Heights {HEIGHTS['ROWS']} (ROWS) and {HEIGHTS['SLIVER']} (SLIVER), widths 2 and 1
 * vectors; the driver picks the shapes that fit the machine's register file
 * (see {{@link GemmBlocking}}).
 */
final class {t["cls"]} {{

    static final VectorSpecies<{t["prim"].capitalize()}> S = {vec}.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Row stride of U in the ROWS layout: a constant, so row offsets fold into addresses. */
    static final int KC = {t["blocking"]}.kc();
    /** What the accumulators start from without fromC: a tile row of zeros (read with rows 0 apart). */
    private static final {t["prim"]}[] ZEROS = new {t["prim"]}[2 * VL];
    private static final boolean FMA = GemmBlocking.HARDWARE_FMA;

    private {t["cls"]}() {{}}

    private static {vec} madd({vec} a, {vec} b, {vec} c) {{
        return FMA ? a.fma(b, c) : c.add(a.mul(b));
    }}
"""]
    parts.append(transposes(t))
    for layout in ["ROWS", "SLIVER"]:
        parts.append(dispatch(t, layout))
        parts.append("")
        for h in HEIGHTS[layout]:
            for w in WIDTHS:
                parts.append(kernel(t, layout, h, w))
                parts.append("")
    parts[-1] = "}"
    return "\n".join(parts) + "\n"


def float_literal_to_double(m):
    digits = m.group(1)
    return digits if any(ch in digits for ch in ".eE") else digits + ".0"


def float_to_double(java, source, int_lanes_widen=True):
    """The double twin of a float source file: the same code with the element type swapped. With
    int_lanes_widen false, IntVector stays: the image kernels' int lanes are window positions,
    as many as the element lanes, not the element's bits."""
    # kernels without a double twin (byte conversions), between these two comment lines
    java = re.sub(r"\n    // ---- float only: [^\n]*\n.*?    // ---- end float only ----\n", "", java, flags=re.S)
    java = re.sub(r"\bfloat\b", "double", java)
    java = java.replace("Float", "Double").replace("FLOAT", "DOUBLE").replace("sgemm", "dgemm")
    # the integer lanes of the same width: exponent and mantissa bits of exp and log
    if int_lanes_widen:
        java = java.replace("IntVector", "LongVector").replace("reinterpretAsInts", "reinterpretAsLongs")
    java = re.sub(r"\b(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)f\b", float_literal_to_double, java)
    java = re.sub(r" \* \{@code Double\w+\} is generated from this file by \{@code kernels/gen/microkernels.py\}.\n", "", java)
    java = re.sub(r" \{@code Double\w+\} is generated from this file by\n \* \{@code kernels/gen/microkernels.py\}.", "", java)
    java = re.sub(r" \{@code Double\w+\} is generated from this file\n \* by \{@code kernels/gen/microkernels.py\}.", "", java)
    return f"// GENERATED from {source} by kernels/gen/microkernels.py -- edit that file, then rerun.\n" + java


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1] / "src/main/java/dev/vecgrad/kernels"
    files = {f"{t['cls']}.java": source(t) for t in TYPES.values()}
    for name in ("Gemm", "Simd", "Scalar"):
        files[f"Double{name}.java"] = float_to_double((root / f"Float{name}.java").read_text(), f"Float{name}.java")
    for name in ("ImageScalar", "ImageSimd"):
        files[f"Double{name}.java"] = float_to_double((root / f"Float{name}.java").read_text(), f"Float{name}.java", False)
    if "--check" in sys.argv:  # write nothing; exit 1 when a file is stale (GeneratedSourcesTest)
        stale = [f for f, text in files.items() if (root / f).read_text() != text]
        sys.exit(f"stale: {stale}: run python3 kernels/gen/microkernels.py" if stale else 0)
    for f, text in files.items():
        (root / f).write_text(text)
        print("wrote", root / f)
    checksums.record("kernels/gen/microkernels.py")
