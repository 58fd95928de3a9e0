package dev.vecgrad.kernels;

/**
 * The five loops of a BLIS-style GEMM, written once for both element types; the typed
 * subclasses ({@link FloatGemm}, {@link DoubleGemm}) supply packing, the macro-kernel and
 * the write-back. {@code W} is the per-thread workspace (packing buffers and the C tile).
 *
 * <p>The product is normalized to {@code C(i,j) = alpha * sum_p U(i,p) V(p,j) + beta * C(i,j)}
 * with {@code U = op(A)} (m x k) and {@code V = op(B)} (k x n). V is the vectorized operand:
 * it is packed p-major into slivers of NR columns, so the micro-kernel loads two vectors per
 * step; a transposed B is transposed while packing, with gathers where the hardware has them.
 * U is broadcast one element at a time, so it can keep the direction its storage has and be
 * only copied: A untransposed as whole rows KC apart (ROWS layout), A transposed as BLIS
 * micro-panels (SLIVER layout). Transposing A into micro-panels cost up to 20% on the
 * training shapes, but the SLIVER kernels are faster, so wide products (n >= 512) do it.
 *
 * <pre>
 * for jc in [j0, j1) step nc            columns of C handled by this thread
 *   pack V[0:k, jc:jc+nc]               one panel per KC block, slivers of NR (or one vector
 *                                       for a narrow last one); the whole k x nc sits in L3
 *   for ic in [i0, i1) step mc          the mc x nc block of C stays in L2 ...
 *     for pc in [0, k) step KC          ... across all KC blocks; never split across threads
 *       pack U[ic:ic+mc, pc:pc+kc]
 *       for jr, ir: micro-kernel: acc = C (or 0 when beta is 0 and pc = 0), acc += U V over the
 *                   block, C tile = acc
 * </pre>
 * with a pass C = beta C before for a beta other than 0 and 1, and C = alpha C after for an
 * alpha other than 1 (alpha and beta both other: a scratch, see {@link #run}).
 * BLIS runs pc outside ic, which re-reads all of C from memory once per KC block; on a
 * 1024^3 sgemm that write-back took a fifth of the time, so here ic is outside pc.
 *
 * <p>Every element of C is one FMA chain over p = 0 .. k-1, from beta C: the blocking (KC, MC,
 * NC) and the vector width decide who computes an element and when, never the order of its sums,
 * so results are the same bits for any block sizes and on any vector width (GemmBitsTest: KC 64
 * and 400, MaxVectorSize 16, 32 and 64). Before, each KC block was summed from 0 and added to C,
 * so a CPU whose caches gave another KC gave other bits.
 *
 * <p>Threads split C into column ranges (rows when C is too narrow), aligned to NR (MR); the
 * block sizes never depend on the thread count, so results are bitwise identical for any.
 */
abstract class GemmDriver<W> {

    /**
     * Up to this many rows of C, a row-major B is not packed: the kernels read its full slivers
     * in place. Each sliver then serves few micro-kernel calls, and copying it cost more than
     * the slower strided reads (on (64,784,128) packing B took 15% of the time).
     */
    static final int DIRECT_V_MAX_ROWS = Integer.getInteger("vecgrad.gemm.directVRows", 160);

    /**
     * Up to this many columns of C, a transposed A (TN, TT) in the SLIVER layout is not packed:
     * the kernels read its full slivers in place, MRS contiguous values at each step p, a
     * stride of lda apart (the kernels take the stride: their height when packed). Each sliver then serves
     * few V slivers, and the copy cost more than the strided reads. AMD EPYC, AVX-512, one
     * thread, GFLOP/s packed against in place: 128x64x64 TN 94.5 against 109.2, 64x128x64 103.2
     * against 108.0, 784x128x64 99.5 against 110.7, 256^3 105.1 against 110.4; 128x784x64 108.6
     * against 108.4 and 1024^3 102.8 against 102.9-103.4 (beyond the bound).
     */
    static final int DIRECT_U_MAX_COLUMNS = Integer.getInteger("vecgrad.gemm.directUColumns", 256);

    /** Whether the JIT has 16 vector registers (AVX2), not 32: the layouts below depend on it. */
    static final boolean FEW_REGISTERS = GemmBlocking.vectorRegisters(FloatMicroKernels.S.vectorBitSize()) < 32;

    /**
     * From this many columns of C on, a row-major A is transposed into micro-panels (SLIVER)
     * rather than copied as rows (ROWS): with 32 vector registers (AVX-512) the SLIVER kernels
     * run 5-7% faster, which pays for the transpose once each row of A feeds enough columns.
     * With 16 (AVX2) never: C2's AVX2 code for the SLIVER path ran at half the speed of the ROWS
     * path on the same products (AVX-512 Zen 4-class core under {@code -XX:UseAVX=2}: 1024^3 NN
     * 44.6 against 104.5 GFLOP/s, 64x784x128 NT 41.7 against 84.3; the cause, kernel or
     * packing, was not found). A transposed A (TN, TT) goes to ROWS there too, by a transposing
     * pack ({@link #transposingRows}).
     */
    static final int SLIVER_MIN_COLUMNS = Integer.getInteger("vecgrad.gemm.sliverMinColumns",
            FEW_REGISTERS ? Integer.MAX_VALUE : 512);

    /**
     * Whether a transposed A (TN, TT) is transposed into the ROWS layout rather than copied into
     * the SLIVER one: on 16-register machines (AVX2), where C2's SLIVER kernels are the slow
     * ones (see {@link #SLIVER_MIN_COLUMNS}), when the element type has in-register transposes.
     * With AVX2 code on the AVX-512 Zen 4-class core ({@code -XX:UseAVX=2}), TN GFLOP/s from 4-high
     * SLIVER panels to ROWS: 64x128x64 (a weight gradient) 62.2 to 75.9, 128x784x64 85.1 to 91.1,
     * 10x64x64 36.7 to 65.4, 128x64x64 54.8 to 72.6, 784x64x128 57.6 to 78.5, 64x10x64 12.0 to 19.4.
     * Results are the same either way (the two layouts feed the same products to each element).
     */
    static boolean transposingRows(Object u) {
        return u instanceof float[] ? FLOAT_TRANSPOSING_ROWS : DOUBLE_TRANSPOSING_ROWS;
    }

    private static final boolean FLOAT_TRANSPOSING_ROWS = FEW_REGISTERS && FloatMicroKernels.REGISTER_TRANSPOSE;
    private static final boolean DOUBLE_TRANSPOSING_ROWS = FEW_REGISTERS && DoubleMicroKernels.REGISTER_TRANSPOSE;

    /** Below this many flops a GEMM stays on the calling thread: a hand-off costs more. */
    static final long PARALLEL_MIN_FLOPS = Long.getLong("vecgrad.gemm.parallelMinFlops", 3_000_000L);

    final GemmBlocking blocking;

    /**
     * Whether C = op(A) op(B) (m x n) is better computed as its transpose, C^T = op(B)^T op(A)^T
     * (n x m), into a scratch that is then stored transposed, in two cases, both with enough k to
     * amortize the scratch (k >= VL) and rows to fill at least two vectors:
     * <ul>
     *   <li>C narrower than a vector (a linear layer with 10 outputs): every micro-kernel step
     *       loads and multiplies whole vectors of which only n lanes count, while m can fill
     *       them. On the AVX-512 Zen 4-class core, the 64 x 10 x 64 NT product went from 28 to
     *       38 GFLOP/s, 0.71x to 0.98x OpenBLAS (the transposed product alone runs at 48;
     *       storing it back costs the rest), and the TN one from 25 to 40.
     *   <li>NT with fewer rows than columns (a linear layer's forward, x W^T, when the batch is
     *       smaller than the layer), from {@link #NT_TRANSPOSE_MIN_K} deep: the transposing pack
     *       then handles the smaller operand, m x k instead of n x k. Same core, the inner
     *       products alone: 64x128x784 95.3 against 128x64x784 99.0 GFLOP/s, 64x784x128 92.2
     *       against 103.2, 64x512x512 87.2 against 102.1.
     * </ul>
     * The result is bitwise the direct loop's, so it does not depend on m (a batch size): each
     * element sums the same products in the same order and gets the same write-back arithmetic.
     * For that the typed drivers take this route only when beta is 0 (alpha then goes to the
     * inner product, rounded per KC block as the direct loop does) or k fits one KC block.
     */
    boolean transposesProduct(boolean transA, boolean transB, int m, int n, int k) {
        int vl = blocking.vl();
        if (!TRANSPOSED_PRODUCTS || k < vl || m < 2 * vl || (long) roundUp(n, vl) * m > TRANSPOSED_MAX_ELEMENTS) {
            return false;
        }
        if (n < vl) {
            return lanesUsed(m, vl) >= lanesUsed(n, vl) + 0.25;
        }
        return !transA && transB && m < n && k >= NT_TRANSPOSE_MIN_K && lanesUsed(m, vl) >= lanesUsed(n, vl);
    }

    /**
     * Depth from which an NT product with m < n runs transposed: storing C back costs about as
     * much as 2k flops per element, so shallow products lose. Measured through {@code Gemm.sgemm}
     * on the AVX-512 Zen 4-class core, against the direct loop: 64x128x64 81 against 93 GFLOP/s,
     * 64x784x128 92-93 against 92 (even), 64x128x784 97-98 against 95-96, 32x256x512 91-93
     * against 83-84, 64x512x512 99 against 87-88.
     */
    static final int NT_TRANSPOSE_MIN_K = 256;

    /**
     * The largest C (rounded up to whole vectors of columns) computed transposed: each calling
     * thread keeps its scratch for the next call, so this bounds that memory (4 MiB of floats).
     * The measured gains are on products far below it.
     */
    static final int TRANSPOSED_MAX_ELEMENTS = 1 << 20;

    /** {@code -Dvecgrad.gemm.transposedProducts=false} keeps every product on the direct loop (same results). */
    static final boolean TRANSPOSED_PRODUCTS = !"false".equalsIgnoreCase(System.getProperty("vecgrad.gemm.transposedProducts"));

    private static double lanesUsed(int size, int vl) {
        return (double) size / roundUp(size, vl);
    }

    GemmDriver(GemmBlocking blocking) {
        this.blocking = blocking;
    }

    /**
     * One normalized call. {@code uRowMajor}: U(i,p) = u[uOff + i * ldu + p], otherwise
     * u[uOff + p * ldu + i]; {@code vRowMajor}: V(p,j) = v[vOff + p * ldv + j], otherwise
     * v[vOff + j * ldv + p]; {@code rowsLayout}: U is packed as rows (a row-major U with few
     * columns of C, or a transposed one on 16-register machines); {@code uDirect}: U is stored
     * contiguous along i, in the SLIVER layout, and its full slivers are read in place;
     * {@code vDirect}: V is row-major and its full slivers are read in place.
     * Arrays are {@code float[]} or {@code double[]}; alpha and beta are exact in double.
     */
    record Problem(int m, int n, int k, double alpha,
                   Object u, int uOff, int ldu, boolean uRowMajor, boolean rowsLayout, boolean uDirect,
                   Object v, int vOff, int ldv, boolean vRowMajor, boolean vDirect,
                   double beta, Object c, int cOff, int ldc) {

        Problem {
            if (uDirect && (uRowMajor || rowsLayout)) {
                throw new IllegalArgumentException("uDirect reads a U stored contiguous along i, in the SLIVER layout");
            }
        }

        Problem(int m, int n, int k, double alpha, Object u, int uOff, int ldu, boolean uRowMajor,
                Object v, int vOff, int ldv, boolean vRowMajor, double beta, Object c, int cOff, int ldc) {
            this(m, n, k, alpha, u, uOff, ldu, uRowMajor, uRowMajor ? n < SLIVER_MIN_COLUMNS : transposingRows(u),
                    !uRowMajor && !transposingRows(u) && n <= DIRECT_U_MAX_COLUMNS,
                    v, vOff, ldv, vRowMajor, vRowMajor && m <= DIRECT_V_MAX_ROWS, beta, c, cOff, ldc);
        }
    }

    /** Computes the whole problem, on as many threads as pay off. */
    final void run(Problem pr) {
        if (pr.alpha() != 1 && pr.beta() != 0) {
            // alpha AB + beta C is not one chain from C: the product goes to a scratch first, then C = alpha t + beta C
            // (vecgrad's own calls all pass alpha 1 and never come here)
            Object t = scratch(pr.m() * pr.n());
            run(new Problem(pr.m(), pr.n(), pr.k(), 1, pr.u(), pr.uOff(), pr.ldu(), pr.uRowMajor(), pr.rowsLayout(), pr.uDirect(),
                    pr.v(), pr.vOff(), pr.ldv(), pr.vRowMajor(), pr.vDirect(), 0, t, 0, pr.n()));
            combine(t, pr);
            return;
        }
        if (pr.beta() != 0 && pr.beta() != 1) {
            scale(pr, pr.beta());   // beta C, rounded once, is where the chains start
        }
        runChains(pr);
        if (pr.alpha() != 1) {
            scale(pr, pr.alpha());   // (beta is 0 here) alpha times each finished chain, rounded once
        }
    }

    /** Every element of C = its chain from C (beta != 0) or from 0, over p = 0 .. k-1; alpha and beta's value aside. */
    private void runChains(Problem pr) {
        int threads = Parallelism.threads();
        long flops = 2L * pr.m() * pr.n() * pr.k();
        if (threads == 1 || flops < PARALLEL_MIN_FLOPS) {
            compute(pr, 0, pr.m(), 0, pr.n());
            return;
        }
        int nr = blocking.nr();
        int mr = blocking.mr(pr.rowsLayout());
        int unitsN = (pr.n() + nr - 1) / nr;
        int unitsM = (pr.m() + mr - 1) / mr;
        if (unitsN >= threads || unitsN >= unitsM) {
            int parts = Math.min(threads, unitsN);
            Parallelism.forEach(parts, t -> compute(pr, 0, pr.m(),
                    Math.min(pr.n(), unitsN * t / parts * nr), Math.min(pr.n(), unitsN * (t + 1) / parts * nr)));
        } else {
            int parts = Math.min(threads, unitsM);
            Parallelism.forEach(parts, t -> compute(pr,
                    Math.min(pr.m(), unitsM * t / parts * mr), Math.min(pr.m(), unitsM * (t + 1) / parts * mr),
                    0, pr.n()));
        }
    }

    /** The sequential loop nest over rows [i0, i1) and columns [j0, j1) of C. */
    final void compute(Problem pr, int i0, int i1, int j0, int j1) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        int k = pr.k();
        int kcMax = blocking.kc();
        int ncMax = Math.min(blocking.ncFor(k), j1 - j0);
        int mcMax = Math.min(blocking.mcFor(ncMax, blocking.mr(pr.rowsLayout())), i1 - i0);
        int panelStride = roundUp(ncMax, blocking.nr()) * kcMax;
        W ws = workspace(mcMax, panelStride * ((k + kcMax - 1) / kcMax));
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            for (int pc = 0, panel = 0; pc < k; pc += kcMax, panel += panelStride) {
                int kc = Math.min(kcMax, k - pc);
                if (pr.vRowMajor()) {
                    packV(ws, pr, jc, nc, pc, kc, panel);
                } else {
                    packVTransposing(ws, pr, jc, nc, pc, kc, panel);
                }
            }
            for (int ic = i0; ic < i1; ic += mcMax) {
                int mc = Math.min(mcMax, i1 - ic);
                for (int pc = 0, panel = 0; pc < k; pc += kcMax, panel += panelStride) {
                    int kc = Math.min(kcMax, k - pc);
                    if (pr.rowsLayout() && pr.uRowMajor()) {
                        packURows(ws, pr, ic, mc, pc, kc);
                    } else if (pr.rowsLayout()) {
                        packURowsTransposing(ws, pr, ic, mc, pc, kc);
                    } else if (pr.uRowMajor()) {
                        packUSliversTransposing(ws, pr, ic, mc, pc, kc);
                    } else {
                        packUSlivers(ws, pr, ic, mc, pc, kc);
                    }
                    macroKernel(ws, pr, ic, mc, jc, nc, pc, kc, panel, pc == 0 ? pr.beta() : 1.0);
                }
            }
        }
    }

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /** A new array of the element type, n long. */
    abstract Object scratch(int n);

    /** C = fma(t, alpha, beta C) for pr's C, t its product A B (m x n, row-major). */
    abstract void combine(Object product, Problem pr);

    /** C = factor C for pr's m x n C, each element rounded once (factor is never 0 here). */
    abstract void scale(Problem pr, double factor);

    /** This thread's workspace, grown to hold U blocks of {@code mc} rows and {@code vElements} of packed V. */
    abstract W workspace(int mc, int vElements);

    /**
     * Packs U[ic:ic+mc, pc:pc+kc], stored contiguous along p, in the ROWS layout: row r at
     * offset r*KC, padding rows up to the last kernel height zeroed.
     */
    abstract void packURows(W ws, Problem pr, int ic, int mc, int pc, int kc);

    /** As {@link #packURows}, for U stored contiguous along i (A transposed): a transpose. */
    abstract void packURowsTransposing(W ws, Problem pr, int ic, int mc, int pc, int kc);

    /**
     * Packs U[ic:ic+mc, pc:pc+kc], stored contiguous along i, in the SLIVER layout: sliver s
     * (rows s*MR ...) at offset s*MR*kc, element (r, p) at + p*h + r, h its kernel height,
     * padding rows zeroed. With {@code uDirect} only a partial last sliver is packed: the
     * kernels read the full ones in place.
     */
    abstract void packUSlivers(W ws, Problem pr, int ic, int mc, int pc, int kc);

    /** As {@link #packUSlivers}, for U stored contiguous along p: a transpose. */
    abstract void packUSliversTransposing(W ws, Problem pr, int ic, int mc, int pc, int kc);

    /**
     * Packs V[pc:pc+kc, jc:jc+nc], stored contiguous along j, into slivers of NR columns (one
     * vector for a narrow last one) from offset {@code panel}: element (p, j) at + p*width + j,
     * padding columns 0. With {@code vDirect} only a partial last sliver is packed.
     */
    abstract void packV(W ws, Problem pr, int jc, int nc, int pc, int kc, int panel);

    /** As {@link #packV}, for V stored contiguous along p: a transpose. */
    abstract void packVTransposing(W ws, Problem pr, int jc, int nc, int pc, int kc, int panel);

    /** Runs the micro-kernels over the U block (packed, or in place with uDirect) and V panel and updates C[ic:ic+mc, jc:jc+nc]. */
    abstract void macroKernel(W ws, Problem pr, int ic, int mc, int jc, int nc, int pc, int kc, int panel, double beta);

    /** Width in vectors of the sliver holding {@code cols} columns: 1 for a narrow last sliver. */
    final int sliverVectors(int cols) {
        return cols > blocking.vl() ? 2 : 1;
    }
}
