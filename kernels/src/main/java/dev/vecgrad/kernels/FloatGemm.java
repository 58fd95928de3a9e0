package dev.vecgrad.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing, macro-kernel and write-back of the float GEMM; the loops are in {@link GemmDriver}.
 * {@code DoubleGemm} is generated from this file by {@code kernels/gen/microkernels.py}.
 */
final class FloatGemm extends GemmDriver<FloatGemm.Workspace> {

    private static final VectorSpecies<Float> S = FloatMicroKernels.S;
    private static final int VL = FloatMicroKernels.VL;
    private static final int KC = FloatMicroKernels.KC;
    /** Main kernel heights of the ROWS and the SLIVER layout. */
    private static final int MR = GemmBlocking.FLOAT.mr(true);
    private static final int MRS = GemmBlocking.FLOAT.mr(false);
    private static final int NR = GemmBlocking.FLOAT.nr();
    /** Transposing packs gather where the hardware has gather instructions (x86 AVX2 and AVX-512). */
    private static final boolean GATHER = CpuInfo.X86;
    /**
     * A transposed B is packed by in-register transposes of VL x VL blocks where the generated
     * kernels have them (VL 16 or 8; {@link FloatMicroKernels#transpose}). On an AMD EPYC with
     * AVX-512 that took 0.22 ns per element against about 0.6 for gathers or a scalar loop, which
     * had made packing a fifth of an NT product's time.
     */
    private static final boolean REGISTER_TRANSPOSE = FloatMicroKernels.REGISTER_TRANSPOSE;
    /**
     * Whether a vector holds the rows of two slivers (2 MRS == VL: 8-row slivers in 16 lanes of
     * floats with 512-bit vectors): a transposed A is then packed one unmasked load and two masked
     * stores per pair of sliver rows; other rows take {@link #copy} (one masked vector when
     * {@code MRS < VL}). Both use the preferred species only. A half-width species for an unmasked
     * copy per row was tried: C2 inlines the virtual calls in {@code FloatVector.intoArray} by that
     * method's JVM-wide type profile, which the other kernels fill with the preferred shape, and
     * compiled after them (a single-precision TN product run after the NT ones) the copy was inlined
     * through a wrong type guess ("callee changed", late inlining) and took 35% of a 128x64x64 TN
     * product instead of 12% (JFR samples); in {@code bench gemm}'s training suite the TN products
     * ran at 67-83 GFLOP/s instead of 90-100 (AMD EPYC, AVX-512), and at 93-105 either way when run
     * alone.
     */
    private static final boolean PAIRED_ROWS = 2 * MRS == VL;
    /** Lanes [0, MRS) and [MRS, VL) of a paired row; unused unless {@link #PAIRED_ROWS}. */
    private static final VectorMask<Float> LOWER_ROW = S.indexInRange(0, MRS);
    private static final VectorMask<Float> UPPER_ROW = LOWER_ROW.not();

    static final FloatGemm INSTANCE = new FloatGemm();

    /** One thread's packing buffers, C tile and gather index map; grown on demand, reused across calls. */
    static final class Workspace {
        float[] u = new float[0];
        float[] v = new float[0];
        final float[] tile = new float[Math.max(MR, MRS) * NR];
        private final int[] uIndex = new int[roundUp(MRS, VL)];
        private final int[] vIndex = new int[NR];
        private int uStride = -1;
        private int vStride = -1;
        /** C^T of a product computed transposed ({@link GemmDriver#transposesProduct}), and a VL x VL block of its transpose. */
        private float[] transposedC = new float[0];
        final float[] square = new float[VL * VL];

        float[] transposedC(int size) {
            if (transposedC.length < size) {
                transposedC = new float[size];
            }
            return transposedC;
        }

        /** Offsets r * lda of the MRS rows of a U sliver, 0 for the lanes past them. */
        int[] uIndex(int lda) {
            if (uStride != lda) {
                for (int r = 0; r < uIndex.length; r++) {
                    uIndex[r] = r < MRS ? r * lda : 0;
                }
                uStride = lda;
            }
            return uIndex;
        }

        /** Offsets j * ldb of the NR columns of a V sliver. */
        int[] vIndex(int ldb) {
            if (vStride != ldb) {
                for (int j = 0; j < NR; j++) {
                    vIndex[j] = j * ldb;
                }
                vStride = ldb;
            }
            return vIndex;
        }
    }

    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    private FloatGemm() {
        super(GemmBlocking.FLOAT);
    }

    /** sgemm on validated arguments, {@code alpha != 0}, {@code k > 0} (see {@link Gemm}). */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, true);
    }

    /** As above; {@code mayTranspose} false keeps the direct loop (tests compare the two). */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, boolean mayTranspose) {
        // Bitwise the direct loop's result when beta is 0: each element of C^T is the same chain, alpha at its end
        if (mayTranspose && beta == 0f && INSTANCE.transposesProduct(transA, transB, m, n, k)) {
            // C^T = op(B)^T op(A)^T: op(B)^T is B read the other way round, and so is op(A)^T
            Workspace ws = INSTANCE.workspaces.get();
            float[] t = ws.transposedC(roundUp(n, VL) * m);
            INSTANCE.run(new Problem(n, m, k, alpha, b, bOff, ldb, transB, a, aOff, lda, transA, 0, t, 0, m));
            storeTransposed(ws, t, m, n, c, cOff, ldc);
            return;
        }
        INSTANCE.run(new Problem(m, n, k, alpha, a, aOff, lda, !transA, b, bOff, ldb, !transB, beta, c, cOff, ldc));
    }

    /**
     * C[i][j] = t[j][i] through {@link #storeTile}, for t the n x m row-major C^T (with rows up to
     * a multiple of VL allocated), VL x VL blocks at a time: transposed in registers where the
     * block is whole, copied element by element at the edge of m.
     */
    private static void storeTransposed(Workspace ws, float[] t, int m, int n, float[] c, int cOff, int ldc) {
        float[] sq = ws.square;
        for (int i = 0; i < m; i += VL) {
            int rows = Math.min(VL, m - i);
            for (int j = 0; j < n; j += VL) {
                int cols = Math.min(VL, n - j);
                if (REGISTER_TRANSPOSE && rows == VL) {
                    FloatMicroKernels.transpose(t, j * m + i, m, sq, 0, VL);
                } else {
                    for (int r = 0; r < rows; r++) {
                        for (int q = 0; q < cols; q++) {
                            sq[r * VL + q] = t[(j + q) * m + i + r];
                        }
                    }
                }
                storeTile(sq, VL, rows, cols, c, cOff + i * ldc + j, ldc);
            }
        }
    }

    @Override
    Workspace workspace(int mc, int vElements) {
        Workspace ws = workspaces.get();
        int uNeed = Math.max(roundUp(mc, MR), roundUp(mc, MRS)) * KC;
        int vNeed = vElements;
        if (ws.u.length < uNeed) {
            ws.u = new float[uNeed];
        }
        if (ws.v.length < vNeed) {
            ws.v = new float[vNeed];
        }
        return ws;
    }

    @Override
    void packURows(Workspace ws, Problem pr, int ic, int mc, int pc, int kc) {
        float[] a = (float[]) pr.u();
        int lda = pr.ldu();
        for (int r = 0, src = pr.uOff() + ic * lda + pc; r < mc; r++, src += lda) {
            System.arraycopy(a, src, ws.u, r * KC, kc);
        }
        padRows(ws.u, mc, kc);
    }

    /** Zeroes the rows of the ROWS layout past mc that the last kernel's height reads. */
    private void padRows(float[] u, int mc, int kc) {
        int last = (mc - 1) / MR * MR;
        for (int r = mc, padded = last + blocking.heightFor(true, mc - last); r < padded; r++) {
            Arrays.fill(u, r * KC, r * KC + kc, 0f);
        }
    }

    @Override
    void packURowsTransposing(Workspace ws, Problem pr, int ic, int mc, int pc, int kc) {
        float[] a = (float[]) pr.u();
        float[] u = ws.u;
        int lda = pr.ldu();
        int src = pr.uOff() + pc * lda + ic;
        // u[r * KC + p] = a[src + p * lda + r]: whole VL x VL blocks in registers, the edges element by element
        int rows = REGISTER_TRANSPOSE ? transposeBlocks(a, src, lda, u, 0, KC, mc, kc / VL * VL) : 0;
        int cols = rows > 0 ? kc / VL * VL : 0;
        for (int r = 0; r < mc; r++) {
            for (int p = r < rows ? cols : 0; p < kc; p++) {
                u[r * KC + p] = a[src + p * lda + r];
            }
        }
        padRows(u, mc, kc);
    }

    @Override
    void packUSlivers(Workspace ws, Problem pr, int ic, int mc, int pc, int kc) {
        float[] a = (float[]) pr.u();
        float[] u = ws.u;
        int lda = pr.ldu();
        int fullSlivers = mc / MRS;
        int src = pr.uOff() + pc * lda + ic;
        // Row p of the stored A^T feeds every sliver: read it once, contiguously. With uDirect the
        // kernels read the full slivers in place, and only a partial last one is packed.
        int sliver = kc * MRS;
        int packedRows = pr.uDirect() ? 0 : kc;
        for (int p = 0, s = src; p < packedRows; p++, s += lda) {
            int q = 0;
            int d = p * MRS;
            if (PAIRED_ROWS) {
                // one whole vector holds this row of slivers q and q+1: its halves go to both
                for (; q + 1 < fullSlivers; q += 2, d += 2 * sliver) {
                    FloatVector pair = FloatVector.fromArray(S, a, s + q * MRS);
                    pair.intoArray(u, d, LOWER_ROW);
                    pair.intoArray(u, d + sliver - MRS, UPPER_ROW);
                }
            }
            for (; q < fullSlivers; q++, d += sliver) {
                copy(a, s + q * MRS, u, d, MRS);
            }
        }
        int ir = fullSlivers * MRS;
        if (ir < mc) {
            int rows = mc - ir;
            copyPanel(a, src + ir, lda, rows, blocking.heightFor(false, rows), u, ir * kc, kc);
        }
    }

    @Override
    void packUSliversTransposing(Workspace ws, Problem pr, int ic, int mc, int pc, int kc) {
        float[] a = (float[]) pr.u();
        int lda = pr.ldu();
        for (int ir = 0; ir < mc; ir += MRS) {
            int rows = Math.min(MRS, mc - ir);
            int src = pr.uOff() + (ic + ir) * lda + pc;
            if (GATHER && rows == MRS) {
                gatherPanel(a, src, ws.uIndex(lda), MRS, ws.u, ir * kc, kc);
            } else {
                transposePanel(a, src, lda, rows, blocking.heightFor(false, rows), ws.u, ir * kc, kc);
            }
        }
    }

    @Override
    void packV(Workspace ws, Problem pr, int jc, int nc, int pc, int kc, int panel) {
        float[] b = (float[]) pr.v();
        float[] v = ws.v;
        int ldb = pr.ldv();
        int fullSlivers = pr.vDirect() ? 0 : nc / NR;
        int src = pr.vOff() + pc * ldb + jc;
        // Row by row: B's rows are read once, contiguously, and each feeds every sliver.
        for (int p = 0, s = src; p < kc; p++, s += ldb) {
            for (int q = 0, d = panel + p * NR; q < fullSlivers; q++, d += kc * NR) {
                copy(b, s + q * NR, v, d, NR);
            }
        }
        int jr = nc / NR * NR;
        if (jr < nc) {
            int cols = nc - jr;
            copyPanel(b, src + jr, ldb, cols, sliverVectors(cols) * VL, v, panel + jr * kc, kc);
        }
    }

    @Override
    void packVTransposing(Workspace ws, Problem pr, int jc, int nc, int pc, int kc, int panel) {
        float[] b = (float[]) pr.v();
        int ldb = pr.ldv();
        for (int jr = 0, dst = panel; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int width = sliverVectors(cols) * VL;
            int src = pr.vOff() + (jc + jr) * ldb + pc;
            // full VL-row blocks of p in registers where they can be, the rest by gathers or element by element
            int done = REGISTER_TRANSPOSE && cols == width ? transposeBlocks(b, src, ldb, ws.v, dst, width, kc, width) : 0;
            if (done < kc) {
                if (GATHER && cols == width) {
                    gatherPanel(b, src + done, ws.vIndex(ldb), width, ws.v, dst + done * width, kc - done);
                } else {
                    transposePanel(b, src + done, ldb, cols, width, ws.v, dst + done * width, kc - done);
                }
            }
            dst += kc * width;
        }
    }

    /**
     * dst[dstOff + i * stride + j] = src[srcOff + j * ld + i] for j < cols (a multiple of VL) and
     * the i below rows that fill whole VL x VL blocks, transposed in registers; returns how many i
     * that is (rows rounded down to VL).
     */
    private static int transposeBlocks(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int rows, int cols) {
        int i = 0;
        for (; i + VL <= rows; i += VL) {
            for (int j = 0; j < cols; j += VL) {
                FloatMicroKernels.transpose(src, srcOff + j * ld + i, ld, dst, dstOff + i * stride + j, stride);
            }
        }
        return i;
    }

    /**
     * Packs {@code lanes} runs that lie {@code ld} apart in {@code src}, each contiguous along
     * p: dst[dstOff + p * lanes + q] = src[srcOff + q * ld + p], one gather per vector; the
     * index map holds the offsets q * ld (0 past {@code lanes}), a partial last vector is
     * stored masked.
     */
    private static void gatherPanel(float[] src, int srcOff, int[] index, int lanes, float[] dst, int dstOff, int kc) {
        int full = lanes / VL * VL;
        VectorMask<Float> tail = S.indexInRange(full, lanes);
        for (int p = 0, d = dstOff; p < kc; p++, d += lanes) {
            for (int q = 0; q < full; q += VL) {
                FloatVector.fromArray(S, src, srcOff + p, index, q).intoArray(dst, d + q);
            }
            if (full < lanes) {
                FloatVector.fromArray(S, src, srcOff + p, index, full).intoArray(dst, d + full, tail);
            }
        }
    }

    /** As {@link #gatherPanel} for {@code valid <= lanes} runs, element by element; lanes past {@code valid} are 0. */
    private static void transposePanel(float[] src, int srcOff, int ld, int valid, int lanes, float[] dst, int dstOff, int kc) {
        for (int p = 0, d = dstOff; p < kc; p++, d += lanes) {
            for (int q = 0, s = srcOff + p; q < valid; q++, s += ld) {
                dst[d + q] = src[s];
            }
            for (int q = valid; q < lanes; q++) {
                dst[d + q] = 0f;
            }
        }
    }

    /** dst[dstOff + p * lanes + q] = src[srcOff + p * ld + q] for q < valid, 0 for the padding lanes. */
    private static void copyPanel(float[] src, int srcOff, int ld, int valid, int lanes, float[] dst, int dstOff, int kc) {
        for (int p = 0, s = srcOff, d = dstOff; p < kc; p++, s += ld, d += lanes) {
            copy(src, s, dst, d, valid);
            for (int q = valid; q < lanes; q++) {
                dst[d + q] = 0f;
            }
        }
    }

    /** dst[d, d + len) = src[s, s + len) by vectors, the tail masked: packing copies short runs, where arraycopy's call costs more than the copy. */
    private static void copy(float[] src, int s, float[] dst, int d, int len) {
        int i = 0;
        for (; i <= len - VL; i += VL) {
            FloatVector.fromArray(S, src, s + i).intoArray(dst, d + i);
        }
        if (i < len) {
            VectorMask<Float> tail = S.indexInRange(i, len);
            FloatVector.fromArray(S, src, s + i, tail).intoArray(dst, d + i, tail);
        }
    }

    @Override
    void macroKernel(Workspace ws, Problem pr, int ic, int mc, int jc, int nc, int pc, int kc, int panel, double beta) {
        float[] u = ws.u;
        float[] t = ws.tile;
        float[] c = (float[]) pr.c();
        boolean fromC = beta != 0;   // the caller's beta on the first KC block, 1 after it
        int ldc = pr.ldc();
        boolean rowsLayout = pr.rowsLayout();
        int mr = rowsLayout ? MR : MRS;
        int vOff = panel;
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int w = sliverVectors(cols);
            int cBase = pr.cOff() + ic * ldc + jc + jr;
            boolean direct = pr.vDirect() && cols == w * VL;
            float[] v = direct ? (float[]) pr.v() : ws.v;
            int vi = direct ? pr.vOff() + pc * pr.ldv() + jc + jr : vOff;
            int vs = direct ? pr.ldv() : w * VL;
            for (int ir = 0; ir < mc; ir += mr) {
                int rows = Math.min(mr, mc - ir);
                int h = rows == mr ? mr : blocking.heightFor(rowsLayout, rows);
                boolean uIn = pr.uDirect() && rows == mr;
                float[] uu = uIn ? (float[]) pr.u() : u;
                int ui = uIn ? pr.uOff() + pc * pr.ldu() + ic + ir : rowsLayout ? ir * KC : ir * kc;
                int us = uIn ? pr.ldu() : h;
                if (rows == h && cols == w * VL) {
                    kernel(rowsLayout, h, w, kc, uu, ui, us, v, vi, vs, c, cBase + ir * ldc, ldc, fromC);
                } else {
                    // an edge tile: the valid part of C in a scratch tile, the kernel on it, and back
                    if (fromC) {
                        loadTile(c, cBase + ir * ldc, ldc, rows, cols, t, w * VL);
                    }
                    kernel(rowsLayout, h, w, kc, uu, ui, us, v, vi, vs, t, 0, w * VL, fromC);
                    storeTile(t, w * VL, rows, cols, c, cBase + ir * ldc, ldc);
                }
            }
            vOff += kc * w * VL;
        }
    }

    private static void kernel(boolean rowsLayout, int h, int w, int kc, float[] u, int ui, int us, float[] v, int vi, int vs,
                               float[] c, int ci, int ldc, boolean fromC) {
        if (rowsLayout) {
            FloatMicroKernels.rows(h, w, kc, u, ui, v, vi, vs, c, ci, ldc, fromC);
        } else {
            FloatMicroKernels.sliver(h, w, kc, u, ui, us, v, vi, vs, c, ci, ldc, fromC);
        }
    }

    @Override
    Object scratch(int n) {
        return new float[n];
    }

    @Override
    void combine(Object product, Problem pr) {
        float[] t = (float[]) product;
        float[] c = (float[]) pr.c();
        float alpha = (float) pr.alpha();
        float beta = (float) pr.beta();
        for (int i = 0; i < pr.m(); i++) {
            for (int j = 0; j < pr.n(); j++) {
                int at = pr.cOff() + i * pr.ldc() + j;
                c[at] = Math.fma(t[i * pr.n() + j], alpha, beta * c[at]);
            }
        }
    }

    @Override
    void scale(Problem pr, double factor) {
        Gemm.scale(pr.m(), pr.n(), (float) factor, (float[]) pr.c(), pr.cOff(), pr.ldc());
    }

    /** t[r][j] = C[r][j] for the valid part of an edge tile (rows x cols of C into a tile tw wide). */
    static void loadTile(float[] c, int ci, int ldc, int rows, int cols, float[] t, int tw) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(c, ci + r * ldc, t, r * tw, cols);
        }
    }

    /** C[r][j] = t[r][j] for the valid part of a tile t, tw wide (an edge tile's way back, a transposed block's). */
    static void storeTile(float[] t, int tw, int rows, int cols, float[] c, int ci, int ldc) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(t, r * tw, c, ci + r * ldc, cols);
        }
    }
}
