// GENERATED from FloatGemm.java by kernels/gen/microkernels.py -- edit that file, then rerun.
package dev.vecgrad.kernels;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing, macro-kernel and write-back of the double GEMM; the loops are in {@link GemmDriver}.
 */
final class DoubleGemm extends GemmDriver<DoubleGemm.Workspace> {

    private static final VectorSpecies<Double> S = DoubleMicroKernels.S;
    private static final int VL = DoubleMicroKernels.VL;
    private static final int KC = DoubleMicroKernels.KC;
    /** Main kernel heights of the ROWS and the SLIVER layout. */
    private static final int MR = GemmBlocking.DOUBLE.mr(true);
    private static final int MRS = GemmBlocking.DOUBLE.mr(false);
    private static final int NR = GemmBlocking.DOUBLE.nr();
    /** Transposing packs gather where the hardware has gather instructions (x86 AVX2 and AVX-512). */
    private static final boolean GATHER = System.getProperty("os.arch", "").matches("amd64|x86_64");
    /**
     * A transposed B is packed by in-register transposes of VL x VL blocks when VL is 16 or 8:
     * log2(VL) stages of two-vector shuffles, each swapping the off-diagonal halves of ever
     * smaller blocks. On an AMD EPYC with AVX-512 that took 0.22 ns per element against about
     * 0.6 for gathers or a scalar loop, which had made packing a fifth of an NT product's time.
     */
    private static final boolean REGISTER_TRANSPOSE = VL == 16 || VL == 8;
    private static final int STAGES = Integer.numberOfTrailingZeros(VL);
    /** Stage s's shuffles: lanes of the first row (0..VL-1) and of the second (VL..2VL-1), for the pair's first and second row. */
    private static final VectorShuffle<Double>[] T_LO = transposeShuffles(true);
    private static final VectorShuffle<Double>[] T_HI = transposeShuffles(false);

    private static final DoubleGemm INSTANCE = new DoubleGemm();

    /** One thread's packing buffers, C tile and gather index map; grown on demand, reused across calls. */
    static final class Workspace {
        double[] u = new double[0];
        double[] v = new double[0];
        final double[] tile = new double[Math.max(MR, MRS) * NR];
        private final int[] uIndex = new int[roundUp(MRS, VL)];
        private final int[] vIndex = new int[NR];
        private int uStride = -1;
        private int vStride = -1;

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

    private DoubleGemm() {
        super(GemmBlocking.DOUBLE);
    }

    /** dgemm on validated arguments, {@code alpha != 0}, {@code k > 0} (see {@link Gemm}). */
    static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        INSTANCE.run(new Problem(m, n, k, alpha, a, aOff, lda, !transA, b, bOff, ldb, !transB, beta, c, cOff, ldc));
    }

    @Override
    Workspace workspace(int mc, int vElements) {
        Workspace ws = workspaces.get();
        int uNeed = Math.max(roundUp(mc, MR), roundUp(mc, MRS)) * KC;
        int vNeed = vElements;
        if (ws.u.length < uNeed) {
            ws.u = new double[uNeed];
        }
        if (ws.v.length < vNeed) {
            ws.v = new double[vNeed];
        }
        return ws;
    }

    @Override
    void packURows(Workspace ws, Problem pr, int ic, int mc, int pc, int kc) {
        double[] a = (double[]) pr.u();
        int lda = pr.ldu();
        for (int r = 0, src = pr.uOff() + ic * lda + pc; r < mc; r++, src += lda) {
            System.arraycopy(a, src, ws.u, r * KC, kc);
        }
        int last = (mc - 1) / MR * MR;
        for (int r = mc, padded = last + blocking.heightFor(true, mc - last); r < padded; r++) {
            Arrays.fill(ws.u, r * KC, r * KC + kc, 0.0);
        }
    }

    @Override
    void packUSlivers(Workspace ws, Problem pr, int ic, int mc, int pc, int kc) {
        double[] a = (double[]) pr.u();
        double[] u = ws.u;
        int lda = pr.ldu();
        int fullSlivers = mc / MRS;
        int src = pr.uOff() + pc * lda + ic;
        // Row p of the stored A^T feeds every sliver: read it once, contiguously.
        for (int p = 0, s = src; p < kc; p++, s += lda) {
            for (int q = 0, d = p * MRS; q < fullSlivers; q++, d += kc * MRS) {
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
        double[] a = (double[]) pr.u();
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
        double[] b = (double[]) pr.v();
        double[] v = ws.v;
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
        double[] b = (double[]) pr.v();
        int ldb = pr.ldv();
        for (int jr = 0, dst = panel; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int width = sliverVectors(cols) * VL;
            int src = pr.vOff() + (jc + jr) * ldb + pc;
            if (REGISTER_TRANSPOSE && cols == width) {
                transposeBlocks(ws, b, src, ldb, width, ws.v, dst, kc);
            } else if (GATHER && cols == width) {
                gatherPanel(b, src, ws.vIndex(ldb), width, ws.v, dst, kc);
            } else {
                transposePanel(b, src, ldb, cols, width, ws.v, dst, kc);
            }
            dst += kc * width;
        }
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Double>[] transposeShuffles(boolean first) {
        VectorShuffle<Double>[] out = new VectorShuffle[STAGES];
        for (int st = 0; st < STAGES; st++) {
            int h = VL >> (st + 1);
            int[] index = new int[VL];
            for (int lane = 0; lane < VL; lane++) {
                int block = lane / (2 * h) * 2 * h;
                int o = lane % (2 * h);
                // the first row keeps its low halves and takes the second's; the second takes the first's high halves
                index[lane] = first ? (o < h ? block + o : VL + block + o - h) : (o < h ? block + h + o : VL + block + o);
            }
            out[st] = VectorShuffle.fromArray(S, index, 0);
        }
        return out;
    }

    /** dst[dstOff + p * lanes + q] = src[srcOff + q * ld + p] for q < lanes and p < kc, lanes a multiple of VL: VL x VL blocks in registers, the last kc % VL rows of p by gathers. */
    private static void transposeBlocks(Workspace ws, double[] src, int srcOff, int ld, int lanes, double[] dst, int dstOff, int kc) {
        int p = 0;
        for (; p + VL <= kc; p += VL) {
            for (int q = 0; q < lanes; q += VL) {
                if (VL == 16) {
                    transpose16(src, srcOff + q * ld + p, ld, dst, dstOff + p * lanes + q, lanes);
                } else {
                    transpose8(src, srcOff + q * ld + p, ld, dst, dstOff + p * lanes + q, lanes);
                }
            }
        }
        if (p < kc) {
            if (GATHER) {
                gatherPanel(src, srcOff + p, ws.vIndex(ld), lanes, dst, dstOff + p * lanes, kc - p);
            } else {
                transposePanel(src, srcOff + p, ld, lanes, lanes, dst, dstOff + p * lanes, kc - p);
            }
        }
    }

    /** dst[d + r * lanes + q] = src[s + q * ld + r] for q, r < 16, in registers (see {@link #REGISTER_TRANSPOSE}). */
    private static void transpose16(double[] src, int s, int ld, double[] dst, int d, int lanes) {
        DoubleVector r0 = DoubleVector.fromArray(S, src, s + 0 * ld);
        DoubleVector r1 = DoubleVector.fromArray(S, src, s + 1 * ld);
        DoubleVector r2 = DoubleVector.fromArray(S, src, s + 2 * ld);
        DoubleVector r3 = DoubleVector.fromArray(S, src, s + 3 * ld);
        DoubleVector r4 = DoubleVector.fromArray(S, src, s + 4 * ld);
        DoubleVector r5 = DoubleVector.fromArray(S, src, s + 5 * ld);
        DoubleVector r6 = DoubleVector.fromArray(S, src, s + 6 * ld);
        DoubleVector r7 = DoubleVector.fromArray(S, src, s + 7 * ld);
        DoubleVector r8 = DoubleVector.fromArray(S, src, s + 8 * ld);
        DoubleVector r9 = DoubleVector.fromArray(S, src, s + 9 * ld);
        DoubleVector r10 = DoubleVector.fromArray(S, src, s + 10 * ld);
        DoubleVector r11 = DoubleVector.fromArray(S, src, s + 11 * ld);
        DoubleVector r12 = DoubleVector.fromArray(S, src, s + 12 * ld);
        DoubleVector r13 = DoubleVector.fromArray(S, src, s + 13 * ld);
        DoubleVector r14 = DoubleVector.fromArray(S, src, s + 14 * ld);
        DoubleVector r15 = DoubleVector.fromArray(S, src, s + 15 * ld);
        DoubleVector t;
        t = r0.rearrange(T_LO[0], r8);
        r8 = r0.rearrange(T_HI[0], r8);
        r0 = t;
        t = r1.rearrange(T_LO[0], r9);
        r9 = r1.rearrange(T_HI[0], r9);
        r1 = t;
        t = r2.rearrange(T_LO[0], r10);
        r10 = r2.rearrange(T_HI[0], r10);
        r2 = t;
        t = r3.rearrange(T_LO[0], r11);
        r11 = r3.rearrange(T_HI[0], r11);
        r3 = t;
        t = r4.rearrange(T_LO[0], r12);
        r12 = r4.rearrange(T_HI[0], r12);
        r4 = t;
        t = r5.rearrange(T_LO[0], r13);
        r13 = r5.rearrange(T_HI[0], r13);
        r5 = t;
        t = r6.rearrange(T_LO[0], r14);
        r14 = r6.rearrange(T_HI[0], r14);
        r6 = t;
        t = r7.rearrange(T_LO[0], r15);
        r15 = r7.rearrange(T_HI[0], r15);
        r7 = t;
        t = r0.rearrange(T_LO[1], r4);
        r4 = r0.rearrange(T_HI[1], r4);
        r0 = t;
        t = r1.rearrange(T_LO[1], r5);
        r5 = r1.rearrange(T_HI[1], r5);
        r1 = t;
        t = r2.rearrange(T_LO[1], r6);
        r6 = r2.rearrange(T_HI[1], r6);
        r2 = t;
        t = r3.rearrange(T_LO[1], r7);
        r7 = r3.rearrange(T_HI[1], r7);
        r3 = t;
        t = r8.rearrange(T_LO[1], r12);
        r12 = r8.rearrange(T_HI[1], r12);
        r8 = t;
        t = r9.rearrange(T_LO[1], r13);
        r13 = r9.rearrange(T_HI[1], r13);
        r9 = t;
        t = r10.rearrange(T_LO[1], r14);
        r14 = r10.rearrange(T_HI[1], r14);
        r10 = t;
        t = r11.rearrange(T_LO[1], r15);
        r15 = r11.rearrange(T_HI[1], r15);
        r11 = t;
        t = r0.rearrange(T_LO[2], r2);
        r2 = r0.rearrange(T_HI[2], r2);
        r0 = t;
        t = r1.rearrange(T_LO[2], r3);
        r3 = r1.rearrange(T_HI[2], r3);
        r1 = t;
        t = r4.rearrange(T_LO[2], r6);
        r6 = r4.rearrange(T_HI[2], r6);
        r4 = t;
        t = r5.rearrange(T_LO[2], r7);
        r7 = r5.rearrange(T_HI[2], r7);
        r5 = t;
        t = r8.rearrange(T_LO[2], r10);
        r10 = r8.rearrange(T_HI[2], r10);
        r8 = t;
        t = r9.rearrange(T_LO[2], r11);
        r11 = r9.rearrange(T_HI[2], r11);
        r9 = t;
        t = r12.rearrange(T_LO[2], r14);
        r14 = r12.rearrange(T_HI[2], r14);
        r12 = t;
        t = r13.rearrange(T_LO[2], r15);
        r15 = r13.rearrange(T_HI[2], r15);
        r13 = t;
        t = r0.rearrange(T_LO[3], r1);
        r1 = r0.rearrange(T_HI[3], r1);
        r0 = t;
        t = r2.rearrange(T_LO[3], r3);
        r3 = r2.rearrange(T_HI[3], r3);
        r2 = t;
        t = r4.rearrange(T_LO[3], r5);
        r5 = r4.rearrange(T_HI[3], r5);
        r4 = t;
        t = r6.rearrange(T_LO[3], r7);
        r7 = r6.rearrange(T_HI[3], r7);
        r6 = t;
        t = r8.rearrange(T_LO[3], r9);
        r9 = r8.rearrange(T_HI[3], r9);
        r8 = t;
        t = r10.rearrange(T_LO[3], r11);
        r11 = r10.rearrange(T_HI[3], r11);
        r10 = t;
        t = r12.rearrange(T_LO[3], r13);
        r13 = r12.rearrange(T_HI[3], r13);
        r12 = t;
        t = r14.rearrange(T_LO[3], r15);
        r15 = r14.rearrange(T_HI[3], r15);
        r14 = t;
        r0.intoArray(dst, d + 0 * lanes);
        r1.intoArray(dst, d + 1 * lanes);
        r2.intoArray(dst, d + 2 * lanes);
        r3.intoArray(dst, d + 3 * lanes);
        r4.intoArray(dst, d + 4 * lanes);
        r5.intoArray(dst, d + 5 * lanes);
        r6.intoArray(dst, d + 6 * lanes);
        r7.intoArray(dst, d + 7 * lanes);
        r8.intoArray(dst, d + 8 * lanes);
        r9.intoArray(dst, d + 9 * lanes);
        r10.intoArray(dst, d + 10 * lanes);
        r11.intoArray(dst, d + 11 * lanes);
        r12.intoArray(dst, d + 12 * lanes);
        r13.intoArray(dst, d + 13 * lanes);
        r14.intoArray(dst, d + 14 * lanes);
        r15.intoArray(dst, d + 15 * lanes);
    }


    /** dst[d + r * lanes + q] = src[s + q * ld + r] for q, r < 8, in registers (see {@link #REGISTER_TRANSPOSE}). */
    private static void transpose8(double[] src, int s, int ld, double[] dst, int d, int lanes) {
        DoubleVector r0 = DoubleVector.fromArray(S, src, s + 0 * ld);
        DoubleVector r1 = DoubleVector.fromArray(S, src, s + 1 * ld);
        DoubleVector r2 = DoubleVector.fromArray(S, src, s + 2 * ld);
        DoubleVector r3 = DoubleVector.fromArray(S, src, s + 3 * ld);
        DoubleVector r4 = DoubleVector.fromArray(S, src, s + 4 * ld);
        DoubleVector r5 = DoubleVector.fromArray(S, src, s + 5 * ld);
        DoubleVector r6 = DoubleVector.fromArray(S, src, s + 6 * ld);
        DoubleVector r7 = DoubleVector.fromArray(S, src, s + 7 * ld);
        DoubleVector t;
        t = r0.rearrange(T_LO[0], r4);
        r4 = r0.rearrange(T_HI[0], r4);
        r0 = t;
        t = r1.rearrange(T_LO[0], r5);
        r5 = r1.rearrange(T_HI[0], r5);
        r1 = t;
        t = r2.rearrange(T_LO[0], r6);
        r6 = r2.rearrange(T_HI[0], r6);
        r2 = t;
        t = r3.rearrange(T_LO[0], r7);
        r7 = r3.rearrange(T_HI[0], r7);
        r3 = t;
        t = r0.rearrange(T_LO[1], r2);
        r2 = r0.rearrange(T_HI[1], r2);
        r0 = t;
        t = r1.rearrange(T_LO[1], r3);
        r3 = r1.rearrange(T_HI[1], r3);
        r1 = t;
        t = r4.rearrange(T_LO[1], r6);
        r6 = r4.rearrange(T_HI[1], r6);
        r4 = t;
        t = r5.rearrange(T_LO[1], r7);
        r7 = r5.rearrange(T_HI[1], r7);
        r5 = t;
        t = r0.rearrange(T_LO[2], r1);
        r1 = r0.rearrange(T_HI[2], r1);
        r0 = t;
        t = r2.rearrange(T_LO[2], r3);
        r3 = r2.rearrange(T_HI[2], r3);
        r2 = t;
        t = r4.rearrange(T_LO[2], r5);
        r5 = r4.rearrange(T_HI[2], r5);
        r4 = t;
        t = r6.rearrange(T_LO[2], r7);
        r7 = r6.rearrange(T_HI[2], r7);
        r6 = t;
        r0.intoArray(dst, d + 0 * lanes);
        r1.intoArray(dst, d + 1 * lanes);
        r2.intoArray(dst, d + 2 * lanes);
        r3.intoArray(dst, d + 3 * lanes);
        r4.intoArray(dst, d + 4 * lanes);
        r5.intoArray(dst, d + 5 * lanes);
        r6.intoArray(dst, d + 6 * lanes);
        r7.intoArray(dst, d + 7 * lanes);
    }

    /**
     * Packs {@code lanes} runs that lie {@code ld} apart in {@code src}, each contiguous along
     * p: dst[dstOff + p * lanes + q] = src[srcOff + q * ld + p], one gather per vector; the
     * index map holds the offsets q * ld (0 past {@code lanes}), a partial last vector is
     * stored masked.
     */
    private static void gatherPanel(double[] src, int srcOff, int[] index, int lanes, double[] dst, int dstOff, int kc) {
        int full = lanes / VL * VL;
        VectorMask<Double> tail = S.indexInRange(full, lanes);
        for (int p = 0, d = dstOff; p < kc; p++, d += lanes) {
            for (int q = 0; q < full; q += VL) {
                DoubleVector.fromArray(S, src, srcOff + p, index, q).intoArray(dst, d + q);
            }
            if (full < lanes) {
                DoubleVector.fromArray(S, src, srcOff + p, index, full).intoArray(dst, d + full, tail);
            }
        }
    }

    /** As {@link #gatherPanel} for {@code valid <= lanes} runs, element by element; lanes past {@code valid} are 0. */
    private static void transposePanel(double[] src, int srcOff, int ld, int valid, int lanes, double[] dst, int dstOff, int kc) {
        for (int p = 0, d = dstOff; p < kc; p++, d += lanes) {
            for (int q = 0, s = srcOff + p; q < valid; q++, s += ld) {
                dst[d + q] = src[s];
            }
            for (int q = valid; q < lanes; q++) {
                dst[d + q] = 0.0;
            }
        }
    }

    /** dst[dstOff + p * lanes + q] = src[srcOff + p * ld + q] for q < valid, 0 for the padding lanes. */
    private static void copyPanel(double[] src, int srcOff, int ld, int valid, int lanes, double[] dst, int dstOff, int kc) {
        for (int p = 0, s = srcOff, d = dstOff; p < kc; p++, s += ld, d += lanes) {
            copy(src, s, dst, d, valid);
            for (int q = valid; q < lanes; q++) {
                dst[d + q] = 0.0;
            }
        }
    }

    /** dst[d, d + len) = src[s, s + len) by vectors, the tail masked: packing copies short runs, where arraycopy's call costs more than the copy. */
    private static void copy(double[] src, int s, double[] dst, int d, int len) {
        int i = 0;
        for (; i <= len - VL; i += VL) {
            DoubleVector.fromArray(S, src, s + i).intoArray(dst, d + i);
        }
        if (i < len) {
            VectorMask<Double> tail = S.indexInRange(i, len);
            DoubleVector.fromArray(S, src, s + i, tail).intoArray(dst, d + i, tail);
        }
    }

    @Override
    void macroKernel(Workspace ws, Problem pr, int ic, int mc, int jc, int nc, int pc, int kc, int panel, double beta) {
        double[] u = ws.u;
        double[] t = ws.tile;
        double[] c = (double[]) pr.c();
        double alpha = (double) pr.alpha();
        double betaF = (double) beta;
        int ldc = pr.ldc();
        boolean rowsLayout = pr.rowsLayout();
        int mr = rowsLayout ? MR : MRS;
        int vOff = panel;
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int w = sliverVectors(cols);
            int cBase = pr.cOff() + ic * ldc + jc + jr;
            boolean direct = pr.vDirect() && cols == w * VL;
            double[] v = direct ? (double[]) pr.v() : ws.v;
            int vi = direct ? pr.vOff() + pc * pr.ldv() + jc + jr : vOff;
            int vs = direct ? pr.ldv() : w * VL;
            for (int ir = 0; ir < mc; ir += mr) {
                int rows = Math.min(mr, mc - ir);
                int h = rows == mr ? mr : blocking.heightFor(rowsLayout, rows);
                int ui = rowsLayout ? ir * KC : ir * kc;
                if (rows == h && cols == w * VL) {
                    kernel(rowsLayout, h, w, kc, u, ui, v, vi, vs, c, cBase + ir * ldc, ldc, alpha, betaF);
                } else {
                    kernel(rowsLayout, h, w, kc, u, ui, v, vi, vs, t, 0, w * VL, 1.0, 0.0);
                    storeTile(t, w * VL, rows, cols, c, cBase + ir * ldc, ldc, alpha, betaF);
                }
            }
            vOff += kc * w * VL;
        }
    }

    private static void kernel(boolean rowsLayout, int h, int w, int kc, double[] u, int ui, double[] v, int vi, int vs,
                               double[] c, int ci, int ldc, double alpha, double beta) {
        if (rowsLayout) {
            DoubleMicroKernels.rows(h, w, kc, u, ui, v, vi, vs, c, ci, ldc, alpha, beta);
        } else {
            DoubleMicroKernels.sliver(h, w, kc, u, ui, v, vi, vs, c, ci, ldc, alpha, beta);
        }
    }

    /**
     * C[r][j] = fma(t[r][j], alpha, beta * C[r][j]), or alpha * t[r][j] without reading C when
     * beta is 0, for the valid part of an edge tile: exactly what the kernels do to a full
     * tile, so edges round like the rest.
     */
    static void storeTile(double[] t, int tw, int rows, int cols, double[] c, int ci, int ldc, double alpha, double beta) {
        DoubleVector av = DoubleVector.broadcast(S, alpha);
        DoubleVector bv = DoubleVector.broadcast(S, beta);
        for (int r = 0; r < rows; r++) {
            int co = ci + r * ldc;
            int to = r * tw;
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Double> lanes = S.indexInRange(j, cols);
                DoubleVector acc = DoubleVector.fromArray(S, t, to + j);
                DoubleVector out = beta == 0.0 ? acc.mul(av) : acc.fma(av, DoubleVector.fromArray(S, c, co + j, lanes).mul(bv));
                out.intoArray(c, co + j, lanes);
            }
        }
    }
}
