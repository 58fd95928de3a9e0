package dev.vecgrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling on the Vector API: a vector of neighbouring output cells of one row at a time.
 * For each window position (a, b), lane l reads input (i sh - ph + a, (j + l) sw - pw + b): a
 * plain load at stride 1, a gather otherwise; lanes whose cell lies in the padding are masked
 * off. The running maximum and its position are blended in lane by lane, in window order, with
 * the reference's rule (the first largest, the first NaN), so the results are the bits of
 * {@link Pooling.Scalar}; the windows' chains now run side by side instead of one after another.
 */
final class ImageSimd implements ImageKernels {

    static final ImageSimd INSTANCE = new ImageSimd();

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> FI = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Int lanes as many as D's: half its width (64 bits for a 128-bit double vector). */
    private static final VectorSpecies<Integer> DI = VectorSpecies.of(int.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    /**
     * For 2-wide windows at stride 2 (the usual 2x2 max pooling): lane l of the even and odd
     * inputs of two loaded vectors, as indices into their concatenation for selectFrom(v0, v1).
     * Two plain loads and two permutes then replace two gathers (the CNN's two poolings took
     * about 3.4 ms of its 25 ms step with gathers).
     */
    private static final FloatVector EVEN_F = pairIndices(0);
    private static final FloatVector ODD_F = pairIndices(1);
    private static final DoubleVector EVEN_D = pairIndicesD(0);
    private static final DoubleVector ODD_D = pairIndicesD(1);

    private ImageSimd() {}

    private static FloatVector pairIndices(int first) {
        float[] idx = new float[F.length()];
        for (int l = 0; l < idx.length; l++) {
            idx[l] = 2 * l + first;
        }
        return FloatVector.fromArray(F, idx, 0);
    }

    private static DoubleVector pairIndicesD(int first) {
        double[] idx = new double[D.length()];
        for (int l = 0; l < idx.length; l++) {
            idx[l] = 2 * l + first;
        }
        return DoubleVector.fromArray(D, idx, 0);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** {0, s, 2s, ...}: lane l's input column offset at stride s, as a gather's index map. */
    private static int[] strided(int lanes, int s) {
        int[] map = new int[lanes];
        for (int l = 0; l < lanes; l++) {
            map[l] = l * s;
        }
        return map;
    }

    /**
     * Lanes l of {@code x[at + map[l]]} where {@code valid}, 0 elsewhere: a plain load at stride 1, else a gather. JDK 25's
     * masked gather checks the indices of the lanes masked off as well, so where one of those would fall outside the
     * array (only at its two ends) the lanes are read one by one.
     */
    private static FloatVector load(float[] x, int at, int[] map, VectorMask<Float> valid, float[] spill) {
        if (map[1] == 1) {
            return FloatVector.fromArray(F, x, at, valid);
        }
        if (at >= 0 && at + map[map.length - 1] < x.length) {
            return FloatVector.fromArray(F, x, at, map, 0, valid);
        }
        for (int l = 0; l < spill.length; l++) {
            spill[l] = valid.laneIsSet(l) ? x[at + map[l]] : 0;
        }
        return FloatVector.fromArray(F, spill, 0);
    }

    /** As the float {@link #load}. */
    private static DoubleVector load(double[] x, int at, int[] map, VectorMask<Double> valid, double[] spill) {
        if (map[1] == 1) {
            return DoubleVector.fromArray(D, x, at, valid);
        }
        if (at >= 0 && at + map[map.length - 1] < x.length) {
            return DoubleVector.fromArray(D, x, at, map, 0, valid);
        }
        for (int l = 0; l < spill.length; l++) {
            spill[l] = valid.laneIsSet(l) ? x[at + map[l]] : 0;
        }
        return DoubleVector.fromArray(D, spill, 0);
    }

    @Override
    public void maxForward(Pooling.Windows win, float[] x, int xOff, int p0, int p1, float[] out, int outOff, int[] where) {
        int vl = F.length();
        int[] map = strided(vl, win.sw);
        float[] spill = new float[vl];
        IntVector lane = IntVector.zero(FI).addIndex(win.sw);
        IntVector index = IntVector.zero(FI).addIndex(1);   // l * sw
        for (int p = p0; p < p1; p++) {
            int in = xOff + p * win.planeIn;
            for (int i = 0; i < win.oh; i++) {
                int o = outOff + p * win.planeOut + i * win.ow;
                for (int j0 = 0; j0 < win.ow; j0 += vl) {
                    VectorMask<Integer> cells = index.compare(VectorOperators.LT, win.ow - j0);
                    FloatVector max = FloatVector.zero(F);
                    IntVector at = IntVector.zero(FI);
                    VectorMask<Float> have = F.maskAll(false);
                    // 2-wide windows at stride 2: two loads and two permutes, no gathers (lanes past the row's last window read
                    // the next row's cells, inside the array, and are never stored)
                    boolean pairs = win.kw == 2 && win.sw == 2 && win.pw == 0;
                    for (int a = 0; a < win.kh; a++) {
                        int ih = i * win.sh - win.ph + a;
                        if (ih < 0 || ih >= win.h) {
                            continue;
                        }
                        if (pairs && in + ih * win.w + 2 * j0 + 2 * vl <= x.length) {
                            int row = in + ih * win.w + 2 * j0;
                            FloatVector v0 = FloatVector.fromArray(F, x, row);
                            FloatVector v1 = FloatVector.fromArray(F, x, row + vl);
                            for (int b = 0; b < 2; b++) {
                                FloatVector v = (b == 0 ? EVEN_F : ODD_F).selectFrom(v0, v1);
                                VectorMask<Float> larger = v.compare(VectorOperators.GT, max)
                                        .or(v.compare(VectorOperators.NE, v).andNot(max.compare(VectorOperators.NE, max)));
                                VectorMask<Float> take = larger.or(have.not());
                                max = max.blend(v, take);
                                at = at.blend(lane.add(2 * j0 + b + ih * win.w), take.cast(FI));
                                have = F.maskAll(true);
                            }
                            continue;
                        }
                        for (int b = 0; b < win.kw; b++) {
                            int iw0 = j0 * win.sw - win.pw + b;
                            IntVector iw = lane.add(iw0);
                            VectorMask<Integer> inside = cells.and(iw.compare(VectorOperators.GE, 0))
                                    .and(iw.compare(VectorOperators.LT, win.w));
                            VectorMask<Float> valid = inside.cast(F);
                            int row = in + ih * win.w;
                            FloatVector v = load(x, row + iw0, map, valid, spill);
                            // the first valid cell, then v > max or v NaN while max is not
                            VectorMask<Float> larger = v.compare(VectorOperators.GT, max)
                                    .or(v.compare(VectorOperators.NE, v).andNot(max.compare(VectorOperators.NE, max)));
                            VectorMask<Float> take = valid.and(larger.or(have.not()));
                            max = max.blend(v, take);
                            at = at.blend(iw.add(ih * win.w), take.cast(FI));
                            have = have.or(valid);
                        }
                    }
                    max.intoArray(out, o + j0, cells.cast(F));
                    at.add(p * win.planeIn).intoArray(where, o + j0, cells);
                }
            }
        }
    }

    @Override
    public void maxForward(Pooling.Windows win, double[] x, int xOff, int p0, int p1, double[] out, int outOff, int[] where) {
        int vl = D.length();
        int[] map = strided(vl, win.sw);
        double[] spill = new double[vl];
        IntVector lane = IntVector.zero(DI).addIndex(win.sw);
        IntVector index = IntVector.zero(DI).addIndex(1);
        for (int p = p0; p < p1; p++) {
            int in = xOff + p * win.planeIn;
            for (int i = 0; i < win.oh; i++) {
                int o = outOff + p * win.planeOut + i * win.ow;
                for (int j0 = 0; j0 < win.ow; j0 += vl) {
                    VectorMask<Integer> cells = index.compare(VectorOperators.LT, win.ow - j0);
                    DoubleVector max = DoubleVector.zero(D);
                    IntVector at = IntVector.zero(DI);
                    VectorMask<Double> have = D.maskAll(false);
                    // 2-wide windows at stride 2: two loads and two permutes, no gathers (lanes past the row's last window read
                    // the next row's cells, inside the array, and are never stored)
                    boolean pairs = win.kw == 2 && win.sw == 2 && win.pw == 0;
                    for (int a = 0; a < win.kh; a++) {
                        int ih = i * win.sh - win.ph + a;
                        if (ih < 0 || ih >= win.h) {
                            continue;
                        }
                        if (pairs && in + ih * win.w + 2 * j0 + 2 * vl <= x.length) {
                            int row = in + ih * win.w + 2 * j0;
                            DoubleVector v0 = DoubleVector.fromArray(D, x, row);
                            DoubleVector v1 = DoubleVector.fromArray(D, x, row + vl);
                            for (int b = 0; b < 2; b++) {
                                DoubleVector v = (b == 0 ? EVEN_D : ODD_D).selectFrom(v0, v1);
                                VectorMask<Double> larger = v.compare(VectorOperators.GT, max)
                                        .or(v.compare(VectorOperators.NE, v).andNot(max.compare(VectorOperators.NE, max)));
                                VectorMask<Double> take = larger.or(have.not());
                                max = max.blend(v, take);
                                at = at.blend(lane.add(2 * j0 + b + ih * win.w), take.cast(DI));
                                have = D.maskAll(true);
                            }
                            continue;
                        }
                        for (int b = 0; b < win.kw; b++) {
                            int iw0 = j0 * win.sw - win.pw + b;
                            IntVector iw = lane.add(iw0);
                            VectorMask<Integer> inside = cells.and(iw.compare(VectorOperators.GE, 0))
                                    .and(iw.compare(VectorOperators.LT, win.w));
                            VectorMask<Double> valid = inside.cast(D);
                            int row = in + ih * win.w;
                            DoubleVector v = load(x, row + iw0, map, valid, spill);
                            VectorMask<Double> larger = v.compare(VectorOperators.GT, max)
                                    .or(v.compare(VectorOperators.NE, v).andNot(max.compare(VectorOperators.NE, max)));
                            VectorMask<Double> take = valid.and(larger.or(have.not()));
                            max = max.blend(v, take);
                            at = at.blend(iw.add(ih * win.w), take.cast(DI));
                            have = have.or(valid);
                        }
                    }
                    max.intoArray(out, o + j0, cells.cast(D));
                    at.add(p * win.planeIn).intoArray(where, o + j0, cells);
                }
            }
        }
    }

    /**
     * Stride and dilation 1: for each kernel cell and each vector of output columns, the lanes
     * whose input lies inside the image ({@code take}) are the same on every output row, so the
     * mask is made once and every row is one load, one blend and one store. Loads and stores are
     * whole vectors where they stay inside the array and inside this image's block of cols (a
     * store running past the row's end lands on the next row, written after it: the vectors of a
     * row go last to first); masked at the edges. Other geometries run the reference.
     */
    @Override
    public void im2col(Patches.Geometry g, float[] x, int xOff, float[] cols, int at, int ld) {
        if (g.sw() != 1 || g.dw() != 1) {
            Patches.Scalar.im2col(g, x, xOff, cols, at, ld);
            return;
        }
        int vl = F.length();
        int ow = g.ow();
        FloatVector lane = FloatVector.zero(F).addIndex(1);
        FloatVector zero = FloatVector.zero(F);
        int row = 0;
        for (int c = 0; c < g.c(); c++) {
            int plane = xOff + c * g.h() * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int first = g.firstColumn(j);
                    int last = g.lastColumn(j);
                    int jOff = j - g.pw();
                    int block = row * ld + at;
                    int blockEnd = block + g.oh() * ow;
                    // the last vector of the row first: its store runs on into the next row, whose first vector is stored later
                    for (int q0 = (ow - 1) / vl * vl; q0 >= 0; q0 -= vl) {
                        VectorMask<Float> take = lane.compare(VectorOperators.GE, first - q0).and(lane.compare(VectorOperators.LE, last - q0));
                        VectorMask<Float> drop = take.not();
                        // the output rows whose input row lies inside the image and whose loads and stores are whole: no tests
                        int rLo = Math.max(0, ceilDiv(g.ph() - i * g.dh(), g.sh()));
                        int rHi = Math.min(g.oh(), ceilDiv(g.h() + g.ph() - i * g.dh(), g.sh()));
                        int base = plane + (rLo * g.sh() - g.ph() + i * g.dh()) * g.w() + jOff + q0;
                        int step = g.sh() * g.w();
                        while (rHi > rLo && (base + (rHi - 1 - rLo) * step + vl > x.length || block + (rHi - 1) * ow + q0 + vl > blockEnd)) {
                            rHi--;
                        }
                        while (rLo < rHi && base < 0) {
                            rLo++;
                            base += step;
                        }
                        // rows in order: a store runs on into the next row, which must be written after it
                        for (int r = 0; r < g.oh(); r++) {
                            if (r == rLo && rHi > rLo) {
                                for (int from = base; r < rHi; r++, from += step) {
                                    FloatVector.fromArray(F, x, from).blend(zero, drop).intoArray(cols, block + r * ow + q0);
                                }
                                r--;
                                continue;
                            }
                            int to = block + r * ow + q0;
                            int ih = r * g.sh() - g.ph() + i * g.dh();
                            FloatVector v = zero;
                            if (ih >= 0 && ih < g.h()) {
                                int from = plane + ih * g.w() + jOff + q0;
                                v = from >= 0 && from + vl <= x.length ? FloatVector.fromArray(F, x, from).blend(zero, drop)
                                        : FloatVector.fromArray(F, x, from, take);
                            }
                            if (to + vl <= blockEnd) {
                                v.intoArray(cols, to);
                            } else {
                                v.intoArray(cols, to, F.indexInRange(to, blockEnd));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Stride and dilation 1, as {@link #im2col}: each row adds the patch values of its lanes in
     * {@code take} (0 elsewhere) to a whole vector of dx, stored back whole where it stays inside
     * this image's channels (the lanes outside take store what they held), masked at the edges.
     * Every dx cell receives its additions in the reference's order.
     */
    @Override
    public void col2im(Patches.Geometry g, float[] dcols, int at, int ld, float[] dx, int dxOff) {
        if (g.sw() != 1 || g.dw() != 1) {
            Patches.Scalar.col2im(g, dcols, at, ld, dx, dxOff);
            return;
        }
        int vl = F.length();
        int ow = g.ow();
        int end = dxOff + g.c() * g.h() * g.w();
        FloatVector lane = FloatVector.zero(F).addIndex(1);
        FloatVector zero = FloatVector.zero(F);
        int row = 0;
        for (int c = 0; c < g.c(); c++) {
            int plane = dxOff + c * g.h() * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int first = g.firstColumn(j);
                    int last = g.lastColumn(j);
                    int jOff = j - g.pw();
                    int block = row * ld + at;
                    int blockEnd = block + g.oh() * ow;
                    for (int q0 = 0; q0 <= last; q0 += vl) {
                        VectorMask<Float> take = lane.compare(VectorOperators.GE, first - q0).and(lane.compare(VectorOperators.LE, last - q0));
                        // even rows, then odd ones: a row's load would otherwise overlap the previous row's store when w < vl, which
                        // the store buffer cannot forward (about 20 cycles each); each dx cell still gets one row's value per kernel cell
                        for (int rr = 0; rr < g.oh(); rr++) {
                            int r = rr < (g.oh() + 1) / 2 ? 2 * rr : 2 * (rr - (g.oh() + 1) / 2) + 1;
                            int ih = r * g.sh() - g.ph() + i * g.dh();
                            if (ih < 0 || ih >= g.h()) {
                                continue;
                            }
                            int from = block + r * ow + q0;
                            int to = plane + ih * g.w() + jOff + q0;
                            FloatVector d = from + vl <= blockEnd ? FloatVector.fromArray(F, dcols, from).blend(zero, take.not())
                                    : FloatVector.fromArray(F, dcols, from, take);
                            if (to >= dxOff && to + vl <= end) {
                                FloatVector.fromArray(F, dx, to).add(d).intoArray(dx, to);
                            } else {
                                FloatVector.fromArray(F, dx, to, take).add(d).intoArray(dx, to, take);
                            }
                        }
                    }
                }
            }
        }
    }

    /** As the float {@link #im2col}. */
    @Override
    public void im2col(Patches.Geometry g, double[] x, int xOff, double[] cols, int at, int ld) {
        if (g.sw() != 1 || g.dw() != 1) {
            Patches.Scalar.im2col(g, x, xOff, cols, at, ld);
            return;
        }
        int vl = D.length();
        int ow = g.ow();
        DoubleVector lane = DoubleVector.zero(D).addIndex(1);
        DoubleVector zero = DoubleVector.zero(D);
        int row = 0;
        for (int c = 0; c < g.c(); c++) {
            int plane = xOff + c * g.h() * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int first = g.firstColumn(j);
                    int last = g.lastColumn(j);
                    int jOff = j - g.pw();
                    int block = row * ld + at;
                    int blockEnd = block + g.oh() * ow;
                    // the last vector of the row first: its store runs on into the next row, whose first vector is stored later
                    for (int q0 = (ow - 1) / vl * vl; q0 >= 0; q0 -= vl) {
                        VectorMask<Double> take = lane.compare(VectorOperators.GE, first - q0).and(lane.compare(VectorOperators.LE, last - q0));
                        VectorMask<Double> drop = take.not();
                        // the output rows whose input row lies inside the image and whose loads and stores are whole: no tests
                        int rLo = Math.max(0, ceilDiv(g.ph() - i * g.dh(), g.sh()));
                        int rHi = Math.min(g.oh(), ceilDiv(g.h() + g.ph() - i * g.dh(), g.sh()));
                        int base = plane + (rLo * g.sh() - g.ph() + i * g.dh()) * g.w() + jOff + q0;
                        int step = g.sh() * g.w();
                        while (rHi > rLo && (base + (rHi - 1 - rLo) * step + vl > x.length || block + (rHi - 1) * ow + q0 + vl > blockEnd)) {
                            rHi--;
                        }
                        while (rLo < rHi && base < 0) {
                            rLo++;
                            base += step;
                        }
                        // rows in order: a store runs on into the next row, which must be written after it
                        for (int r = 0; r < g.oh(); r++) {
                            if (r == rLo && rHi > rLo) {
                                for (int from = base; r < rHi; r++, from += step) {
                                    DoubleVector.fromArray(D, x, from).blend(zero, drop).intoArray(cols, block + r * ow + q0);
                                }
                                r--;
                                continue;
                            }
                            int to = block + r * ow + q0;
                            int ih = r * g.sh() - g.ph() + i * g.dh();
                            DoubleVector v = zero;
                            if (ih >= 0 && ih < g.h()) {
                                int from = plane + ih * g.w() + jOff + q0;
                                v = from >= 0 && from + vl <= x.length ? DoubleVector.fromArray(D, x, from).blend(zero, drop)
                                        : DoubleVector.fromArray(D, x, from, take);
                            }
                            if (to + vl <= blockEnd) {
                                v.intoArray(cols, to);
                            } else {
                                v.intoArray(cols, to, D.indexInRange(to, blockEnd));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Stride and dilation 1, as {@link #im2col}: each row adds the patch values of its lanes in
     * {@code take} (0 elsewhere) to a whole vector of dx, stored back whole where it stays inside
     * this image's channels (the lanes outside take store what they held), masked at the edges.
     * Every dx cell receives its additions in the reference's order.
     */
    /** As the float {@link #col2im}. */
    @Override
    public void col2im(Patches.Geometry g, double[] dcols, int at, int ld, double[] dx, int dxOff) {
        if (g.sw() != 1 || g.dw() != 1) {
            Patches.Scalar.col2im(g, dcols, at, ld, dx, dxOff);
            return;
        }
        int vl = D.length();
        int ow = g.ow();
        int end = dxOff + g.c() * g.h() * g.w();
        DoubleVector lane = DoubleVector.zero(D).addIndex(1);
        DoubleVector zero = DoubleVector.zero(D);
        int row = 0;
        for (int c = 0; c < g.c(); c++) {
            int plane = dxOff + c * g.h() * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int first = g.firstColumn(j);
                    int last = g.lastColumn(j);
                    int jOff = j - g.pw();
                    int block = row * ld + at;
                    int blockEnd = block + g.oh() * ow;
                    for (int q0 = 0; q0 <= last; q0 += vl) {
                        VectorMask<Double> take = lane.compare(VectorOperators.GE, first - q0).and(lane.compare(VectorOperators.LE, last - q0));
                        // even rows, then odd ones: a row's load would otherwise overlap the previous row's store when w < vl, which
                        // the store buffer cannot forward (about 20 cycles each); each dx cell still gets one row's value per kernel cell
                        for (int rr = 0; rr < g.oh(); rr++) {
                            int r = rr < (g.oh() + 1) / 2 ? 2 * rr : 2 * (rr - (g.oh() + 1) / 2) + 1;
                            int ih = r * g.sh() - g.ph() + i * g.dh();
                            if (ih < 0 || ih >= g.h()) {
                                continue;
                            }
                            int from = block + r * ow + q0;
                            int to = plane + ih * g.w() + jOff + q0;
                            DoubleVector d = from + vl <= blockEnd ? DoubleVector.fromArray(D, dcols, from).blend(zero, take.not())
                                    : DoubleVector.fromArray(D, dcols, from, take);
                            if (to >= dxOff && to + vl <= end) {
                                DoubleVector.fromArray(D, dx, to).add(d).intoArray(dx, to);
                            } else {
                                DoubleVector.fromArray(D, dx, to, take).add(d).intoArray(dx, to, take);
                            }
                        }
                    }
                }
            }
        }
    }
}
