package dev.vecgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * 3x3 convolution at stride 1 by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", CVPR 2016), float32, NCHW, one group, padding 0
 * to 2. Each 2x2 tile of the output comes from a 4x4 tile of the input: with the transforms
 * <pre>
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
 *   A^T = [1 1 1 0; 0 1 -1 -1]
 *   V[c] = B^T d[c] B,  U[o][c] = G w[o][c] G^T,  M[o] = sum_c U[o][c] * V[c] (elementwise),  y[o] = A^T M[o] A
 * </pre>
 * the sum over channels is 16 GEMMs, one per position xi = 4 k + l of the 4x4 transformed tile:
 * {@code M_xi [O, tiles] = U_xi [O, C] V_xi [C, tiles]}: 16 multiplies per 2x2 outputs instead
 * of 36, 2.25 times fewer flops than direct convolution. The weight gradient runs the same way
 * backwards: {@code dM[o] = A dy[o] A^T} per tile, {@code dU_xi [O, C] += dM_xi [O, tiles]
 * V_xi^T} and {@code dw = G^T dU G}. The input gradient is a forward convolution of the output
 * gradient with the flipped weight (autograd's business).
 *
 * <p>The batch goes a few whole images at a time (a block of about {@link #BLOCK_TILES} tiles) so
 * that V and M stay in the caches between the transforms and the GEMMs. The forward pass gives
 * each thread whole blocks; the weight gradient sums the tiles in {@link #GROUPS} groups of whole
 * images, each in order, groups to threads, and adds the groups' sums in order. The transforms run on
 * the vector lanes over tiles: each image plane is copied into a zero-bordered one, from which
 * the 16 input positions of a vector of neighbouring tiles come by plain loads and even/odd
 * selections; outputs are interleaved back into a tile-sized plane and copied out. Every value is the
 * same expression as in the scalar reference ({@link #inputTilesScalar} and the others), so the
 * two agree bit for bit, and nothing depends on the vector width or the thread count: the
 * transforms are elementwise, the GEMMs are the same chains on any thread, and the weight
 * gradient's chains over the tiles continue block after block, in order, within a fixed
 * grouping of the images.
 *
 * <p>Accuracy: the transforms add and halve, so float32 results differ from the direct sums by
 * a few units in the last place of the summed magnitudes (WinogradTest bounds it against a
 * float64 direct convolution).
 */
public final class Winograd {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final boolean SIMD = Backend.isVectorized();

    /** Tiles per block, rounded to whole images: V and M of a block are 16 (C + O) floats each (2 MiB at 64 + 64 channels). */
    static final int BLOCK_TILES = Integer.getInteger("vecgrad.winograd.tiles", 256);

    private Winograd() {}

    /** One call's geometry with its tile index maps: input [n, c, h, w], output [n, o, oh, ow], padding ph, pw. */
    public static final class Plan {
        final int n;
        final int c;
        final int h;
        final int w;
        final int o;
        final int ph;
        final int pw;
        final int oh;
        final int ow;
        /** Tile rows and columns, tiles per image. */
        final int th;
        final int tw;
        final int tiles;
        /** The zero-bordered input plane: input (r, q) at (r + ph, q + pw); 2 th + 2 rows of 2 tw + 2. */
        final int hp;
        final int wp;
        /** Images per block. */
        final int images;
        /**
         * Tile rows per vector in the vector transforms: 2 when a tile row fills at most half a vector (14x14 outputs
         * have 7 tiles a row), so that the second source of each selection is the next tile row; otherwise 1.
         */
        final int rows;
        /** Lanes taken from the first source: tw with two rows a vector, else half a vector. */
        final int half;
        /** Selections of the 2 q + j-th cells (j = 0, 1) of the sources, q < half from the first, the rest from the second. */
        final FloatVector even;
        final FloatVector odd;
        /** Selections interleaving the two outputs of a tile, lanes [0, half) (low) and [half, 2 half) (high). */
        final FloatVector low;
        final FloatVector high;

        public Plan(int n, int c, int h, int w, int o, int ph, int pw) {
            this(n, c, h, w, o, ph, pw, BLOCK_TILES);
        }

        /** As above, with blocks of about {@code blockTiles} tiles (whole images, at least one). */
        Plan(int n, int c, int h, int w, int o, int ph, int pw, int blockTiles) {
            if (n < 1 || c < 1 || o < 1 || ph < 0 || ph > 2 || pw < 0 || pw > 2 || h + 2 * ph < 3 || w + 2 * pw < 3) {
                throw new IllegalArgumentException("Winograd F(2x2, 3x3): needs n, c, o >= 1, padding 0 to 2 and an input of at least"
                        + " 3x3 with it, got n " + n + ", c " + c + ", o " + o + ", " + h + "x" + w + ", padding " + ph + "x" + pw);
            }
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.o = o;
            this.ph = ph;
            this.pw = pw;
            this.oh = h + 2 * ph - 2;
            this.ow = w + 2 * pw - 2;
            this.th = (oh + 1) / 2;
            this.tw = (ow + 1) / 2;
            this.tiles = th * tw;
            this.hp = 2 * th + 2;
            this.wp = 2 * tw + 2;
            // on several threads, at least 4 blocks a thread: the forward pass hands out whole blocks, and 7 blocks of 5
            // images (14x14) or 2 of 16 (7x7) left one thread waiting for the other's last block (1.3-1.4 times one
            // thread's speed on two). The bits do not depend on the block size (the GEMM chains run over the channels)
            int spread = Parallelism.threads() > 1 ? (n + 4 * Parallelism.threads() - 1) / (4 * Parallelism.threads()) : n;
            this.images = Math.max(1, Math.min(spread, Math.min(n, blockTiles / tiles)));
            this.rows = 2 * tw <= VL ? 2 : 1;
            this.half = rows == 2 ? tw : VL / 2;
            this.even = selection(half, 0);
            this.odd = selection(half, 1);
            this.low = interleaving(half, 0);
            this.high = interleaving(half, 1);
        }

        /** Offset in the bordered input plane of input cell (i, j) of tile t. */
        int inCell(int t, int i, int j) {
            return (2 * (t / tw) + i) * wp + 2 * (t % tw) + j;
        }

        /** Offset in a 2 th x 2 tw plane of output cell (a, b) of tile t. */
        int outCell(int t, int a, int b) {
            return (2 * (t / tw) + a) * 2 * tw + 2 * (t % tw) + b;
        }

        /** Tiles of the largest block. */
        int blockTiles() {
            return images * tiles;
        }

        /** Floats of the transformed weight (and of its gradient): 16 O C. */
        public int weightSize() {
            return 16 * o * c;
        }

        /** Floats of working memory one weight-gradient call, or each thread of a forward call, allocates. */
        public long workspace() {
            return 16L * (c + o) * blockTiles();
        }
    }

    /** u[(xi O + o) C + c] = (G w[o][c] G^T)[xi], w [O, C, 3, 3] at wOff, in double, rounded once. */
    public static void weights(Plan p, float[] w, int wOff, float[] u) {
        Parallelism.forEach(p.o, o -> {   // output channels apart: on the caller alone it was 4% of the caller's samples in a U-Net's step on two threads
            double[] gw = new double[12];
            for (int c = 0; c < p.c; c++) {
                int at = wOff + (o * p.c + c) * 9;
                for (int j = 0; j < 3; j++) {   // G w: 4 rows of 3
                    double g0 = w[at + j];
                    double g1 = w[at + 3 + j];
                    double g2 = w[at + 6 + j];
                    gw[j] = g0;
                    gw[3 + j] = 0.5 * (g0 + g1 + g2);
                    gw[6 + j] = 0.5 * (g0 - g1 + g2);
                    gw[9 + j] = g2;
                }
                for (int k = 0; k < 4; k++) {   // (G w) G^T
                    double g0 = gw[3 * k];
                    double g1 = gw[3 * k + 1];
                    double g2 = gw[3 * k + 2];
                    u[((4 * k) * p.o + o) * p.c + c] = (float) g0;
                    u[((4 * k + 1) * p.o + o) * p.c + c] = (float) (0.5 * (g0 + g1 + g2));
                    u[((4 * k + 2) * p.o + o) * p.c + c] = (float) (0.5 * (g0 - g1 + g2));
                    u[((4 * k + 3) * p.o + o) * p.c + c] = (float) g2;
                }
            }
        });
    }

    /** y [n, o, oh, ow] at yOff = the convolution of x [n, c, h, w] at xOff with the weight whose transform is u ({@link #weights}). */
    public static void forward(Plan p, float[] x, int xOff, float[] u, float[] y, int yOff) {
        int blocks = (p.n + p.images - 1) / p.images;
        // one hand-off a call, the blocks claimed one at a time by whichever thread is free (their outputs are apart, so
        // the bits do not depend on who runs which): three hand-offs a block left the 32 to 64 channel 14x14 layer (13
        // blocks of 5 images) no faster on two threads than on one, and a fixed half of the blocks each kept the caller
        // waiting whenever the helper started late (woken from park)
        Parallelism.forEach(blocks, block -> {
            Buffers b = buffers(p);
            float[] v = b.v;
            float[] m = b.m;
            int b0 = block * p.images;
            int ni = Math.min(p.images, p.n - b0);
            int nt = ni * p.tiles;
            inputTiles(p, x, xOff, b0, ni, 0, p.c, v, nt);
            for (int xi = 0; xi < 16; xi++) {
                Gemm.sgemm(false, false, p.o, nt, p.c, 1f, u, xi * p.o * p.c, p.c, v, xi * p.c * nt, nt, 0f, m, xi * p.o * nt, nt);
            }
            outputTiles(p, m, nt, b0, ni, 0, p.o, y, yOff);
        });
    }

    /**
     * dw [o, c, 3, 3] at dwOff += the weight gradient of the convolution of x at xOff for the output
     * gradient dy [n, o, oh, ow] at dyOff.
     */
    public static void weightGradient(Plan p, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        int groups = Math.min(p.n, GROUPS);
        float[][] partial = new float[groups][];
        Parallelism.forEach(groups, group -> {   // groups claimed one at a time, each summed into its own du
            Buffers b = buffers(p);
            float[] v = b.v;
            float[] dm = b.m;
            float[] du = new float[p.weightSize()];
            int end = (int) ((long) p.n * (group + 1) / groups);
            for (int b0 = (int) ((long) p.n * group / groups); b0 < end; b0 += p.images) {
                int ni = Math.min(p.images, end - b0);
                int nt = ni * p.tiles;
                inputTiles(p, x, xOff, b0, ni, 0, p.c, v, nt);
                gradientTiles(p, dy, dyOff, b0, ni, 0, p.o, dm, nt);
                for (int xi = 0; xi < 16; xi++) {
                    Gemm.sgemm(false, true, p.o, p.c, nt, 1f, dm, xi * p.o * nt, nt, v, xi * p.c * nt, nt, 1f, du, xi * p.o * p.c,
                            p.c);
                }
            }
            partial[group] = du;
        });
        float[] du = partial[0];
        for (int group = 1; group < groups; group++) {
            float[] add = partial[group];
            for (int i = 0; i < du.length; i++) {
                du[i] += add[i];
            }
        }
        weightsBack(p, du, dw, dwOff);
    }

    /**
     * The weight gradient sums its tiles in this many groups of whole images (fewer for a smaller
     * batch), each one chain over its tiles in order, then adds the groups' sums in order: the
     * groups spread over the threads without hand-offs inside them, and the bits depend on the
     * batch alone, not on the thread count or the block size.
     */
    static final int GROUPS = 8;

    /** dw[o][c] += G^T du[o][c] G, in double, rounded once per element. */
    static void weightsBack(Plan p, float[] du, float[] dw, int dwOff) {
        int oc = p.o * p.c;
        Parallelism.forEach(p.o, o -> {
            double[] gd = new double[12];
            for (int c = 0; c < p.c; c++) {
                int at = o * p.c + c;
                for (int l = 0; l < 4; l++) {   // G^T dU: 3 rows of 4
                    double d0 = du[(l) * oc + at];
                    double d1 = du[(4 + l) * oc + at];
                    double d2 = du[(8 + l) * oc + at];
                    double d3 = du[(12 + l) * oc + at];
                    gd[l] = d0 + 0.5 * (d1 + d2);
                    gd[4 + l] = 0.5 * (d1 - d2);
                    gd[8 + l] = 0.5 * (d1 + d2) + d3;
                }
                int to = dwOff + at * 9;
                for (int i = 0; i < 3; i++) {   // (G^T dU) G
                    double d0 = gd[4 * i];
                    double d1 = gd[4 * i + 1];
                    double d2 = gd[4 * i + 2];
                    double d3 = gd[4 * i + 3];
                    dw[to + 3 * i] += (float) (d0 + 0.5 * (d1 + d2));
                    dw[to + 3 * i + 1] += (float) (0.5 * (d1 - d2));
                    dw[to + 3 * i + 2] += (float) (0.5 * (d1 + d2) + d3);
                }
            }
        });
    }

    /**
     * Each thread's V and M (or dM), kept from one call to the next: the transforms and the GEMMs
     * (beta 0) write every value a block reads, so they need no clearing; allocated afresh they
     * added a collection every few layers. At most {@link Plan#workspace()} floats per thread.
     */
    private static final class Buffers {
        float[] v = new float[0];
        float[] m = new float[0];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** This thread's buffers, grown to a block of p: V for its input channels, M for its output channels (a vector of slack each). */
    private static Buffers buffers(Plan p) {
        Buffers b = BUFFERS.get();
        b.v = grown(b.v, 16 * p.c * p.blockTiles() + VL);
        b.m = grown(b.m, 16 * p.o * p.blockTiles() + VL);
        return b;
    }

    private static float[] grown(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    // ------------------------------------------------------------------ the transforms, vector and scalar

    /** v[(xi C + c) nt + e tiles + t] = (B^T d B)[xi] of tile t of channel c of image b0 + e, for channels [c0, c1). */
    static void inputTiles(Plan p, float[] x, int xOff, int b0, int ni, int c0, int c1, float[] v, int nt) {
        if (SIMD) {
            inputTilesVector(p, x, xOff, b0, ni, c0, c1, v, nt);
        } else {
            inputTilesScalar(p, x, xOff, b0, ni, c0, c1, v, nt);
        }
    }

    /** y[b0 + e, o] = A^T M A of its tiles, M from m[(xi O + o) nt + e tiles + t], for channels [o0, o1). */
    static void outputTiles(Plan p, float[] m, int nt, int b0, int ni, int o0, int o1, float[] y, int yOff) {
        if (SIMD) {
            outputTilesVector(p, m, nt, b0, ni, o0, o1, y, yOff);
        } else {
            outputTilesScalar(p, m, nt, b0, ni, o0, o1, y, yOff);
        }
    }

    /** dm[(xi O + o) nt + e tiles + t] = (A dy A^T)[xi] of tile t of channel o of image b0 + e (outside the output: 0). */
    static void gradientTiles(Plan p, float[] dy, int dyOff, int b0, int ni, int o0, int o1, float[] dm, int nt) {
        if (SIMD) {
            gradientTilesVector(p, dy, dyOff, b0, ni, o0, o1, dm, nt);
        } else {
            gradientTilesScalar(p, dy, dyOff, b0, ni, o0, o1, dm, nt);
        }
    }

    /** Copies plane [rows, cols] from src at srcOff into dst (row length ld) at (r0, q0); dst's other cells are left as they are. */
    private static void place(float[] src, int srcOff, int rows, int cols, float[] dst, int ld, int r0, int q0) {
        // System.arraycopy a row: whole vectors and a masked one instead measured no faster on a U-Net's training step
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, srcOff + r * cols, dst, (r0 + r) * ld + q0, cols);
        }
    }

    static void inputTilesScalar(Plan p, float[] x, int xOff, int b0, int ni, int c0, int c1, float[] v, int nt) {
        float[] plane = new float[p.hp * p.wp];
        float[] d = new float[16];
        float[] r = new float[16];
        int xiStride = p.c * nt;
        for (int c = c0; c < c1; c++) {
            for (int e = 0; e < ni; e++) {
                place(x, xOff + ((b0 + e) * p.c + c) * p.h * p.w, p.h, p.w, plane, p.wp, p.ph, p.pw);
                for (int t = 0; t < p.tiles; t++) {
                    for (int q = 0; q < 16; q++) {
                        d[q] = plane[p.inCell(t, q / 4, q % 4)];
                    }
                    int to = c * nt + e * p.tiles + t;
                    for (int i = 0; i < 4; i++) {   // d B, row by row
                        float a0 = d[4 * i];
                        float a1 = d[4 * i + 1];
                        float a2 = d[4 * i + 2];
                        float a3 = d[4 * i + 3];
                        r[4 * i] = a0 - a2;
                        r[4 * i + 1] = a1 + a2;
                        r[4 * i + 2] = a2 - a1;
                        r[4 * i + 3] = a1 - a3;
                    }
                    for (int l = 0; l < 4; l++) {   // B^T (d B)
                        v[(l) * xiStride + to] = r[l] - r[8 + l];
                        v[(4 + l) * xiStride + to] = r[4 + l] + r[8 + l];
                        v[(8 + l) * xiStride + to] = r[8 + l] - r[4 + l];
                        v[(12 + l) * xiStride + to] = r[4 + l] - r[12 + l];
                    }
                }
            }
        }
    }

    static void outputTilesScalar(Plan p, float[] m, int nt, int b0, int ni, int o0, int o1, float[] y, int yOff) {
        float[] plane = new float[4 * p.tiles];
        float[] s = new float[8];
        int xiStride = p.o * nt;
        for (int o = o0; o < o1; o++) {
            for (int e = 0; e < ni; e++) {
                for (int t = 0; t < p.tiles; t++) {
                    int at = o * nt + e * p.tiles + t;
                    for (int l = 0; l < 4; l++) {   // A^T M
                        float m0 = m[(l) * xiStride + at];
                        float m1 = m[(4 + l) * xiStride + at];
                        float m2 = m[(8 + l) * xiStride + at];
                        float m3 = m[(12 + l) * xiStride + at];
                        s[l] = m0 + m1 + m2;
                        s[4 + l] = m1 - m2 - m3;
                    }
                    for (int a = 0; a < 2; a++) {   // (A^T M) A
                        plane[p.outCell(t, a, 0)] = s[4 * a] + s[4 * a + 1] + s[4 * a + 2];
                        plane[p.outCell(t, a, 1)] = s[4 * a + 1] - s[4 * a + 2] - s[4 * a + 3];
                    }
                }
                copyOut(p, plane, y, yOff + ((b0 + e) * p.o + o) * p.oh * p.ow);
            }
        }
    }

    /** The oh x ow corner of a 2 th x 2 tw plane into y at yOff. */
    private static void copyOut(Plan p, float[] plane, float[] y, int yOff) {
        for (int r = 0; r < p.oh; r++) {
            System.arraycopy(plane, r * 2 * p.tw, y, yOff + r * p.ow, p.ow);
        }
    }

    static void gradientTilesScalar(Plan p, float[] dy, int dyOff, int b0, int ni, int o0, int o1, float[] dm, int nt) {
        float[] plane = new float[4 * p.tiles];
        float[] z = new float[8];
        int xiStride = p.o * nt;
        for (int o = o0; o < o1; o++) {
            for (int e = 0; e < ni; e++) {
                place(dy, dyOff + ((b0 + e) * p.o + o) * p.oh * p.ow, p.oh, p.ow, plane, 2 * p.tw, 0, 0);
                for (int t = 0; t < p.tiles; t++) {
                    for (int b = 0; b < 2; b++) {   // A dy: 4 rows of 2
                        float y0 = plane[p.outCell(t, 0, b)];
                        float y1 = plane[p.outCell(t, 1, b)];
                        z[b] = y0;
                        z[2 + b] = y0 + y1;
                        z[4 + b] = y0 - y1;
                        z[6 + b] = -y1;
                    }
                    int at = o * nt + e * p.tiles + t;
                    for (int k = 0; k < 4; k++) {   // (A dy) A^T
                        float a0 = z[2 * k];
                        float a1 = z[2 * k + 1];
                        dm[(4 * k) * xiStride + at] = a0;
                        dm[(4 * k + 1) * xiStride + at] = a0 + a1;
                        dm[(4 * k + 2) * xiStride + at] = a0 - a1;
                        dm[(4 * k + 3) * xiStride + at] = -a1;
                    }
                }
            }
        }
    }

    // The vector transforms take a vector of neighbouring tiles at a time: of one tile row, or of two when a row fills at
    // most half a vector (Plan.rows; lanes past the tiles are masked off). Tile column tx reads input columns 2 tx + j,
    // which two plain loads (the same row further on, or the next tile row) and a selection of their even or odd cells
    // (selectFrom) give for j = 0, 1 and, from two cells on, j = 2, 3. Outputs are interleaved back the same way. Gathers
    // and scatters of index maps were not intrinsified when C2 compiled these methods early (the index species lookup
    // was not inlined), and ran 20 times slower. Intermediate vectors go through a small float scratch: an array of
    // vectors boxes them, and sixteen vector locals in one method grew past what C2 inlines.

    /** Lane q: cell 2 q + j of the first source for q < half, else cell 2 (q - half) + j of the second (index VL on). */
    private static FloatVector selection(int half, int j) {
        float[] idx = new float[VL];
        for (int q = 0; q < VL; q++) {
            idx[q] = q < half ? 2 * q + j : Math.min(2 * VL - 1, VL + 2 * (q - half) + j);
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /** Lane c of the interleaving of a (first source) and b, from tile (part half) + c / 2: a's for even c, b's for odd. */
    private static FloatVector interleaving(int half, int part) {
        float[] idx = new float[VL];
        for (int c = 0; c < VL; c++) {
            idx[c] = Math.min(VL - 1, part * half + c / 2) + (c % 2) * VL;
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /** Tiles of the vector at tile row ty, column tx. */
    private static int liveTiles(Plan p, int ty, int tx) {
        return p.rows == 2 ? Math.min(2, p.th - ty) * p.tw : Math.min(VL, p.tw - tx);
    }

    static void inputTilesVector(Plan p, float[] x, int xOff, int b0, int ni, int c0, int c1, float[] v, int nt) {
        float[] plane = new float[p.hp * p.wp + 4 * p.wp + 2 * VL];   // the loads of the last vectors run past the plane
        float[] r = new float[16 * VL];
        int xiStride = p.c * nt;
        int next = p.rows == 2 ? 2 * p.wp : VL;   // the second source
        int step = p.rows == 2 ? p.tw : VL;
        for (int c = c0; c < c1; c++) {
            for (int e = 0; e < ni; e++) {
                place(x, xOff + ((b0 + e) * p.c + c) * p.h * p.w, p.h, p.w, plane, p.wp, p.ph, p.pw);
                for (int ty = 0; ty < p.th; ty += p.rows) {
                    for (int tx = 0; tx < p.tw; tx += step) {
                        for (int i = 0; i < 4; i++) {   // d B, row by row
                            int at = (2 * ty + i) * p.wp + 2 * tx;
                            FloatVector v0 = FloatVector.fromArray(S, plane, at);
                            FloatVector v1 = FloatVector.fromArray(S, plane, at + next);
                            FloatVector w0 = FloatVector.fromArray(S, plane, at + 2);
                            FloatVector w1 = FloatVector.fromArray(S, plane, at + 2 + next);
                            FloatVector a0 = p.even.selectFrom(v0, v1);
                            FloatVector a1 = p.odd.selectFrom(v0, v1);
                            FloatVector a2 = p.even.selectFrom(w0, w1);
                            FloatVector a3 = p.odd.selectFrom(w0, w1);
                            a0.sub(a2).intoArray(r, (4 * i) * VL);
                            a1.add(a2).intoArray(r, (4 * i + 1) * VL);
                            a2.sub(a1).intoArray(r, (4 * i + 2) * VL);
                            a1.sub(a3).intoArray(r, (4 * i + 3) * VL);
                        }
                        int to = c * nt + e * p.tiles + ty * p.tw + tx;
                        VectorMask<Float> live = S.indexInRange(0, liveTiles(p, ty, tx));
                        for (int l = 0; l < 4; l++) {   // B^T (d B)
                            FloatVector r0 = FloatVector.fromArray(S, r, l * VL);
                            FloatVector r1 = FloatVector.fromArray(S, r, (4 + l) * VL);
                            FloatVector r2 = FloatVector.fromArray(S, r, (8 + l) * VL);
                            FloatVector r3 = FloatVector.fromArray(S, r, (12 + l) * VL);
                            store(r0.sub(r2), v, l * xiStride + to, live);
                            store(r1.add(r2), v, (4 + l) * xiStride + to, live);
                            store(r2.sub(r1), v, (8 + l) * xiStride + to, live);
                            store(r1.sub(r3), v, (12 + l) * xiStride + to, live);
                        }
                    }
                }
            }
        }
    }

    static void outputTilesVector(Plan p, float[] m, int nt, int b0, int ni, int o0, int o1, float[] y, int yOff) {
        int ld = 2 * p.tw;
        // the masked stores of the last row run up to ld + 2 VL past the plane: a masked store whose vector runs past
        // the array takes a slow path of lane checks (JDK 25), seen in a U-Net's profile on 28x28 and 7x7 planes
        float[] plane = new float[4 * p.tiles + ld + 2 * VL];
        float[] s = new float[8 * VL];
        int xiStride = p.o * nt;
        int step = p.rows == 2 ? p.tw : VL;
        for (int o = o0; o < o1; o++) {
            for (int e = 0; e < ni; e++) {
                for (int ty = 0; ty < p.th; ty += p.rows) {
                    for (int tx = 0; tx < p.tw; tx += step) {
                        int at = o * nt + e * p.tiles + ty * p.tw + tx;
                        VectorMask<Float> live = S.indexInRange(0, liveTiles(p, ty, tx));
                        for (int l = 0; l < 4; l++) {   // A^T M
                            FloatVector m0 = load(m, l * xiStride + at, live);
                            FloatVector m1 = load(m, (4 + l) * xiStride + at, live);
                            FloatVector m2 = load(m, (8 + l) * xiStride + at, live);
                            FloatVector m3 = load(m, (12 + l) * xiStride + at, live);
                            m0.add(m1).add(m2).intoArray(s, l * VL);
                            m1.sub(m2).sub(m3).intoArray(s, (4 + l) * VL);
                        }
                        // the cells of the vector's first and second half: row 2 ty + a from column 2 tx, and the same row
                        // further on or row 2 ty + 2 + a
                        int cells0 = p.rows == 2 ? ld : Math.min(VL, ld - 2 * tx);
                        int cells1 = p.rows == 2 ? (ty + 1 < p.th ? ld : 0) : Math.min(VL, ld - 2 * tx - VL);
                        VectorMask<Float> first = S.indexInRange(0, cells0);
                        VectorMask<Float> second = S.indexInRange(0, cells1);
                        for (int a = 0; a < 2; a++) {   // (A^T M) A, interleaved into the plane
                            FloatVector s0 = FloatVector.fromArray(S, s, 4 * a * VL);
                            FloatVector s1 = FloatVector.fromArray(S, s, (4 * a + 1) * VL);
                            FloatVector s2 = FloatVector.fromArray(S, s, (4 * a + 2) * VL);
                            FloatVector s3 = FloatVector.fromArray(S, s, (4 * a + 3) * VL);
                            FloatVector y0 = s0.add(s1).add(s2);
                            FloatVector y1 = s1.sub(s2).sub(s3);
                            int to = (2 * ty + a) * ld + 2 * tx;
                            p.low.selectFrom(y0, y1).intoArray(plane, to, first);
                            p.high.selectFrom(y0, y1).intoArray(plane, p.rows == 2 ? to + 2 * ld : to + VL, second);
                        }
                    }
                }
                copyOut(p, plane, y, yOff + ((b0 + e) * p.o + o) * p.oh * p.ow);
            }
        }
    }

    static void gradientTilesVector(Plan p, float[] dy, int dyOff, int b0, int ni, int o0, int o1, float[] dm, int nt) {
        int ld = 2 * p.tw;
        float[] plane = new float[4 * p.tiles + 4 * ld + 2 * VL];   // the loads of the last vectors run past the plane
        float[] z = new float[8 * VL];
        int xiStride = p.o * nt;
        int next = p.rows == 2 ? 2 * ld : VL;
        int step = p.rows == 2 ? p.tw : VL;
        for (int o = o0; o < o1; o++) {
            for (int e = 0; e < ni; e++) {
                place(dy, dyOff + ((b0 + e) * p.o + o) * p.oh * p.ow, p.oh, p.ow, plane, ld, 0, 0);
                for (int ty = 0; ty < p.th; ty += p.rows) {
                    for (int tx = 0; tx < p.tw; tx += step) {
                        int row0 = 2 * ty * ld + 2 * tx;
                        int row1 = row0 + ld;
                        FloatVector u0 = FloatVector.fromArray(S, plane, row0);
                        FloatVector u1 = FloatVector.fromArray(S, plane, row0 + next);
                        FloatVector w0 = FloatVector.fromArray(S, plane, row1);
                        FloatVector w1 = FloatVector.fromArray(S, plane, row1 + next);
                        for (int b = 0; b < 2; b++) {   // A dy: 4 rows of 2
                            FloatVector pick = b == 0 ? p.even : p.odd;
                            FloatVector y0 = pick.selectFrom(u0, u1);
                            FloatVector y1 = pick.selectFrom(w0, w1);
                            y0.intoArray(z, b * VL);
                            y0.add(y1).intoArray(z, (2 + b) * VL);
                            y0.sub(y1).intoArray(z, (4 + b) * VL);
                            y1.neg().intoArray(z, (6 + b) * VL);
                        }
                        int at = o * nt + e * p.tiles + ty * p.tw + tx;
                        VectorMask<Float> live = S.indexInRange(0, liveTiles(p, ty, tx));
                        for (int k = 0; k < 4; k++) {   // (A dy) A^T
                            FloatVector a0 = FloatVector.fromArray(S, z, 2 * k * VL);
                            FloatVector a1 = FloatVector.fromArray(S, z, (2 * k + 1) * VL);
                            store(a0, dm, 4 * k * xiStride + at, live);
                            store(a0.add(a1), dm, (4 * k + 1) * xiStride + at, live);
                            store(a0.sub(a1), dm, (4 * k + 2) * xiStride + at, live);
                            store(a1.neg(), dm, (4 * k + 3) * xiStride + at, live);
                        }
                    }
                }
            }
        }
    }

    // V, M and dM have a vector of slack at their end: a masked access whose vector runs past the array takes a slow
    // path of lane checks. Masked loads and stores at every vector: a masked form for the last vector of tiles only (a flag and two forms) made
    // C2 give up on the gradient transform ("Bad graph detected in build_loop_late", JDK 25), which then ran in C1.

    private static FloatVector load(float[] a, int at, VectorMask<Float> live) {
        return FloatVector.fromArray(S, a, at, live);
    }

    private static void store(FloatVector v, float[] a, int at, VectorMask<Float> live) {
        v.intoArray(a, at, live);
    }
}
