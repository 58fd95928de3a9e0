package dev.vecgrad.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
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
    private static final VectorShuffle<Float>[] T_LO = transposeShuffles(true);
    private static final VectorShuffle<Float>[] T_HI = transposeShuffles(false);

    private static final FloatGemm INSTANCE = new FloatGemm();

    /** One thread's packing buffers, C tile and gather index map; grown on demand, reused across calls. */
    static final class Workspace {
        float[] u = new float[0];
        float[] v = new float[0];
        final float[] tile = new float[Math.max(MR, MRS) * NR];
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

    private FloatGemm() {
        super(GemmBlocking.FLOAT);
    }

    /** sgemm on validated arguments, {@code alpha != 0}, {@code k > 0} (see {@link Gemm}). */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        INSTANCE.run(new Problem(m, n, k, alpha, a, aOff, lda, !transA, b, bOff, ldb, !transB, beta, c, cOff, ldc));
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
        int last = (mc - 1) / MR * MR;
        for (int r = mc, padded = last + blocking.heightFor(true, mc - last); r < padded; r++) {
            Arrays.fill(ws.u, r * KC, r * KC + kc, 0f);
        }
    }

    @Override
    void packUSlivers(Workspace ws, Problem pr, int ic, int mc, int pc, int kc) {
        float[] a = (float[]) pr.u();
        float[] u = ws.u;
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
    private static VectorShuffle<Float>[] transposeShuffles(boolean first) {
        VectorShuffle<Float>[] out = new VectorShuffle[STAGES];
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
    private static void transposeBlocks(Workspace ws, float[] src, int srcOff, int ld, int lanes, float[] dst, int dstOff, int kc) {
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
    private static void transpose16(float[] src, int s, int ld, float[] dst, int d, int lanes) {
        FloatVector r0 = FloatVector.fromArray(S, src, s + 0 * ld);
        FloatVector r1 = FloatVector.fromArray(S, src, s + 1 * ld);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ld);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ld);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ld);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * ld);
        FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * ld);
        FloatVector r9 = FloatVector.fromArray(S, src, s + 9 * ld);
        FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * ld);
        FloatVector r11 = FloatVector.fromArray(S, src, s + 11 * ld);
        FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * ld);
        FloatVector r13 = FloatVector.fromArray(S, src, s + 13 * ld);
        FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * ld);
        FloatVector r15 = FloatVector.fromArray(S, src, s + 15 * ld);
        FloatVector t;
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
    private static void transpose8(float[] src, int s, int ld, float[] dst, int d, int lanes) {
        FloatVector r0 = FloatVector.fromArray(S, src, s + 0 * ld);
        FloatVector r1 = FloatVector.fromArray(S, src, s + 1 * ld);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ld);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ld);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ld);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * ld);
        FloatVector t;
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
        float alpha = (float) pr.alpha();
        float betaF = (float) beta;
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
                int ui = rowsLayout ? ir * KC : ir * kc;
                if (rows == h && cols == w * VL) {
                    kernel(rowsLayout, h, w, kc, u, ui, v, vi, vs, c, cBase + ir * ldc, ldc, alpha, betaF);
                } else {
                    kernel(rowsLayout, h, w, kc, u, ui, v, vi, vs, t, 0, w * VL, 1f, 0f);
                    storeTile(t, w * VL, rows, cols, c, cBase + ir * ldc, ldc, alpha, betaF);
                }
            }
            vOff += kc * w * VL;
        }
    }

    private static void kernel(boolean rowsLayout, int h, int w, int kc, float[] u, int ui, float[] v, int vi, int vs,
                               float[] c, int ci, int ldc, float alpha, float beta) {
        if (rowsLayout) {
            FloatMicroKernels.rows(h, w, kc, u, ui, v, vi, vs, c, ci, ldc, alpha, beta);
        } else {
            FloatMicroKernels.sliver(h, w, kc, u, ui, v, vi, vs, c, ci, ldc, alpha, beta);
        }
    }

    /**
     * C[r][j] = fma(t[r][j], alpha, beta * C[r][j]), or alpha * t[r][j] without reading C when
     * beta is 0, for the valid part of an edge tile: exactly what the kernels do to a full
     * tile, so edges round like the rest.
     */
    static void storeTile(float[] t, int tw, int rows, int cols, float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        FloatVector bv = FloatVector.broadcast(S, beta);
        for (int r = 0; r < rows; r++) {
            int co = ci + r * ldc;
            int to = r * tw;
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Float> lanes = S.indexInRange(j, cols);
                FloatVector acc = FloatVector.fromArray(S, t, to + j);
                FloatVector out = beta == 0f ? acc.mul(av) : acc.fma(av, FloatVector.fromArray(S, c, co + j, lanes).mul(bv));
                out.intoArray(c, co + j, lanes);
            }
        }
    }
}
