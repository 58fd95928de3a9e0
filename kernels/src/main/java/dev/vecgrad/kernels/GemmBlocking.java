package dev.vecgrad.kernels;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Block sizes of the packed GEMM, derived once from the preferred vector species, the
 * register file and the data caches (the BLIS analytical model), never scattered as constants.
 *
 * <ul>
 *   <li>{@code nr}: width of a V sliver, two vectors; {@code heights[0]} (MR) rows of U per
 *       micro-kernel in the ROWS layout, 8 on 32-register machines (AVX-512, NEON), 6 on
 *       16-register ones (AVX2): MR x 2 accumulators, 2 V vectors and the broadcasts C2
 *       hoists must fit the registers (at 12 x 2 C2 spilled two accumulators and lost 25%).
 *       On an AMD EPYC with AVX-512, 8 x 2 and 10 x 2 ran at the same speed (sgemm 1024 on one
 *       thread 100.0 and 101.2 GFLOP/s, the MLP's shapes within 1%), and 8 divides the batch
 *       sizes people train with (32, 64, 128, 256): their products need no edge tile, and a
 *       cold start compiles half as many micro-kernels (a cold Fashion-MNIST demo on one core,
 *       7.45 to 6.86 s). The SLIVER layout uses the same heights ({@code sliverHeights}) on
 *       32-register machines, and 4 x 2 on 16-register ones: C2's AVX2 code for the 6 x 2
 *       SLIVER kernel ran at half the speed of the 6 x 2 ROWS one (AVX-512 Zen 4-class core
 *       under {@code -XX:UseAVX=2}: 128x784x64 TN, a weight gradient, 45.4 GFLOP/s with 6 x 2
 *       and 90.6 with 4 x 2; 784x64x128 TN 37.7 and 57.6; 1024^3 TN 91.7 with 4 x 2). The other
 *       heights serve the last rows of M: 4 and 2 everywhere. Without 2 on 32-register machines,
 *       a 10-row product (the output of a 10-class layer, computed transposed when n is 10) ran
 *       its last 2 rows as 4 through the scratch tile; with it they go straight to C (AMD EPYC,
 *       AVX-512, {@code bench gemm} training suite: 64x10x64 TN 37.6 to 44.0 GFLOP/s, 10x64x64
 *       TN 48.2 to 59.9, 64x10x64 NN 29.5 to 32.2; a cold demo 1.004x the time, 8 pairs).
 *   <li>{@code kc}: depth of a block; a kc x NR sliver of V takes one and a half L1d (at most
 *       512). It does not stay in L1: it streams from L2, which the prefetcher keeps up with,
 *       and a deeper block spreads the loads and stores of each MR x NR tile of C over more
 *       FMAs. Measured on an AMD EPYC with AVX-512 (L1d 32 KiB, 117 GFLOP/s probe), sgemm
 *       1024 / 2048 on one thread: KC 128 (half of L1) 83% / 79% of the probe, 256 87% / 85%,
 *       384 89% / 90%, 512 88% / 90%; with 256-bit vectors (NR 16) 256, 384 and 512 all gave
 *       85-86% / 84-85%.
 *   <li>{@code mc}: at most this many rows of U per block (mc x kc takes half of L2), and at
 *       most {@code cBudget / nc}: the mc x nc block of C takes a quarter of L2.
 *   <li>{@code nc}: at most this many columns of V per panel, and at most {@code vBudget / k}:
 *       all of V's k x nc takes a quarter of the shared L3 (and no more than 16 MiB).
 * </ul>
 * Where the formulas miss, {@code ./vecgrad tune} measures: on the AMD EPYC Zen 5 (L1d 48 KiB,
 * L2 1 MiB) KC 512 gave sgemm 2048 152-165 GFLOP/s on one core and KC 1024 165-178, against
 * OpenBLAS's 180. Its result, kept per CPU ({@link TunedBlocks}), replaces the derived float
 * sizes; the system properties {@code vecgrad.gemm.kc}, {@code vecgrad.gemm.mc} and
 * {@code vecgrad.gemm.nc} override either. Results are the same bits for any block sizes.
 *
 * @param vl       vector length in elements
 * @param heights  ROWS micro-kernel heights, the main one (MR) first, then smaller ones for edges
 * @param sliverHeights the same for the SLIVER layout
 * @param nr       micro-kernel width in elements (2 vectors)
 * @param kc       block depth
 * @param mc       U block rows (a multiple of MR)
 * @param nc       V panel columns (a multiple of NR)
 * @param cBudget  elements of the C block kept in L2
 * @param vBudget  elements of packed V kept in L3
 */
record GemmBlocking(int vl, int[] heights, int[] sliverHeights, int nr, int kc, int mc, int nc, int cBudget, int vBudget) {

    /** Whether hardware FMA is used (see {@link CpuInfo#hardwareFma()}). */
    static final boolean HARDWARE_FMA = CpuInfo.hardwareFma();

    /** The float sizes: a system property's, else {@code ./vecgrad tune}'s for this CPU ({@link TunedBlocks}), else derived. */
    static final GemmBlocking FLOAT;

    /** Where {@link #FLOAT}'s KC, MC and NC come from, for {@code bench info}. */
    static final String FLOAT_ORIGIN;

    static {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        java.nio.file.Path file = TunedBlocks.file();
        int[] tuned = TunedBlocks.read(file, TunedBlocks.key(CpuInfo.host(), bits));
        FLOAT = derive(FloatVector.SPECIES_PREFERRED.length(), Float.BYTES, bits, CpuInfo.host(), tuned);
        boolean property = System.getProperty("vecgrad.gemm.kc") != null || System.getProperty("vecgrad.gemm.mc") != null
                || System.getProperty("vecgrad.gemm.nc") != null;
        FLOAT_ORIGIN = (property ? "system properties" : tuned != null ? "tuned (" + file + ")" : "derived from the caches")
                + (property && tuned != null ? ", then tuned (" + file + ")" : "");
    }
    static final GemmBlocking DOUBLE = derive(DoubleVector.SPECIES_PREFERRED.length(), Double.BYTES,
            DoubleVector.SPECIES_PREFERRED.vectorBitSize(), CpuInfo.host());

    /** The main micro-kernel height of the ROWS (true) or SLIVER (false) layout. */
    int mr(boolean rowsLayout) {
        return rowsLayout ? heights[0] : sliverHeights[0];
    }

    /** The main ROWS micro-kernel height. */
    int mr() {
        return heights[0];
    }

    /** Height of the kernel for a sliver with {@code rows} rows left: MR or the smallest edge height that covers them. */
    int heightFor(boolean rowsLayout, int rows) {
        int[] set = rowsLayout ? heights : sliverHeights;
        int h = set[0];
        for (int i = 1; i < set.length && set[i] >= rows; i++) {
            h = set[i];
        }
        return h;
    }

    /** Columns of V packed at once for depth k: all k x nc of it within vBudget. */
    int ncFor(int k) {
        return clamp(roundDown(vBudget / Math.max(1, k), nr), nr, nc);
    }

    /** Rows of U per block (a multiple of mr) when the V panel has nc columns: the mc x nc block of C within cBudget. */
    int mcFor(int nc, int mr) {
        return clamp(roundDown(Math.min(mc, cBudget / Math.max(1, nc)), mr), mr, Math.max(mr, mc));
    }

    static GemmBlocking derive(int vl, int elementBytes, int vectorBits, CpuInfo cpu) {
        return derive(vl, elementBytes, vectorBits, cpu, null);
    }

    /** As above, with {kc, mc, nc} measured by {@code ./vecgrad tune} in place of the derived ones (null: none). */
    static GemmBlocking derive(int vl, int elementBytes, int vectorBits, CpuInfo cpu, int[] tuned) {
        boolean wide = vectorRegisters(vectorBits) >= 32;
        int[] heights = wide ? new int[] {8, 4, 2} : new int[] {6, 4, 2};
        int[] sliverHeights = wide ? new int[] {8, 4, 2} : new int[] {4, 2};
        int mr = heights[0];
        int nr = 2 * vl;
        int kc = clamp(roundDown((int) (3 * cpu.l1dBytes() / (2L * nr * elementBytes)), 16), 64, 512);
        int mc = clamp(roundDown((int) (cpu.l2Bytes() / (2L * kc * elementBytes)), mr), mr, 128 * mr);
        int nc = clamp(roundDown((int) Math.min(Integer.MAX_VALUE, cpu.l3Bytes() / (4L * kc * elementBytes)), nr),
                nr, 4096);
        int cBudget = (int) (cpu.l2Bytes() / (4L * elementBytes));
        int vBudget = (int) (Math.min(cpu.l3Bytes() / 4, 16L << 20) / elementBytes);
        if (tuned != null) {
            kc = Math.max(16, roundDown(tuned[0], 16));
            mc = Math.max(mr, roundDown(tuned[1], mr));
            nc = Math.max(nr, roundDown(tuned[2], nr));
        }
        kc = override("vecgrad.gemm.kc", kc, 16);
        mc = override("vecgrad.gemm.mc", mc, mr);
        nc = override("vecgrad.gemm.nc", nc, nr);
        return new GemmBlocking(vl, heights, sliverHeights, nr, kc, mc, nc, cBudget, vBudget);
    }

    /** A block size from a system property (for tuning on a new CPU), rounded to its multiple. */
    private static int override(String property, int derived, int multiple) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return derived;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v > 0) {
                return Math.max(multiple, roundDown(v, multiple));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + property + " must be a positive integer, got '" + value + "'");
    }

    /** Vector registers the JIT can use: 32 on AVX-512 and AArch64, 16 on AVX/AVX2. */
    static int vectorRegisters(int vectorBits) {
        return !CpuInfo.X86 || vectorBits >= 512 ? 32 : 16;
    }

    private static int roundDown(int value, int multiple) {
        return value / multiple * multiple;
    }

    private static int clamp(int value, int lo, int hi) {
        return Math.max(lo, Math.min(hi, value));
    }

    @Override
    public String toString() {
        return "MR x NR " + mr() + " x " + nr + " rows / " + sliverHeights[0] + " x " + nr + " slivers (edge heights "
                + Arrays.toString(Arrays.copyOfRange(heights, 1, heights.length)) + " / "
                + Arrays.toString(Arrays.copyOfRange(sliverHeights, 1, sliverHeights.length)) + "), KC " + kc + ", MC " + mc + " (C block " + cBudget + " elements), NC " + nc
                + " (packed V " + vBudget + " elements)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GemmBlocking g && vl == g.vl && Arrays.equals(heights, g.heights)
                && Arrays.equals(sliverHeights, g.sliverHeights) && nr == g.nr
                && kc == g.kc && mc == g.mc && nc == g.nc && cBudget == g.cBudget && vBudget == g.vBudget;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {vl, Arrays.hashCode(heights), Arrays.hashCode(sliverHeights), nr, kc, mc, nc, cBudget, vBudget});
    }
}
