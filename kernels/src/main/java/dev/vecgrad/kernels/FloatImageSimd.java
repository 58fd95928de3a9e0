package dev.vecgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float image kernels on the Vector API, behind {@code ImageSimd}.
 *
 * <p>Max pooling: a vector of neighbouring output cells of one row at a time. For each window
 * position (a, b), lane l reads input (i sh - ph + a, (j + l) sw - pw + b): a plain load at
 * stride 1, two loads and two permutes for 2-wide windows at stride 2, a gather otherwise; lanes
 * whose cell lies in the padding are masked off. The running maximum and its position are
 * blended in lane by lane, in window order, with the reference's rule (the first largest, the
 * first NaN), so the results are the bits of {@link FloatImageScalar}; the windows' chains run
 * side by side instead of one after another.
 *
 * <p>im2col and col2im at column stride 1 or 2 (two loads and the even cells, spread back the
 * same way) a row of outputs at a time, with masked loads and stores at the edges; other
 * geometries (stride 3 on, dilated columns) run the reference. The int lanes (window positions) are as many
 * as the element lanes: {@code SI}.
 * {@code DoubleImageSimd} is generated from this file by {@code kernels/gen/microkernels.py}.
 */
final class FloatImageSimd {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = VectorSpecies.of(int.class, VectorShape.forBitSize(S.length() * Integer.SIZE));

    /**
     * For 2-wide windows at stride 2 (the usual 2x2 max pooling): lane l of the even and odd
     * inputs of two loaded vectors, as indices into their concatenation for selectFrom(v0, v1).
     * Two plain loads and two permutes then replace two gathers (the CNN's two poolings took
     * about 3.4 ms of its 25 ms step with gathers).
     */
    private static final FloatVector EVEN = pairIndices(0);
    private static final FloatVector ODD = pairIndices(1);

    /** Lane c of [d0, z0, d1, z1, ...] from selectFrom(d, z): cells [0, VL) (low) and [VL, 2 VL) (high) of the spread. */
    private static final FloatVector SPREAD_LOW = spreadIndices(0);
    private static final FloatVector SPREAD_HIGH = spreadIndices(1);

    private FloatImageSimd() {}

    private static FloatVector spreadIndices(int half) {
        float[] idx = new float[S.length()];
        for (int c = 0; c < idx.length; c++) {
            int cell = half * idx.length + c;
            idx[c] = cell / 2 + (cell % 2) * idx.length;
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /** x[from + l sw] in lane l, sw 1 or 2 (two loads and the even cells), from + sw VL within x. */
    private static FloatVector strided(float[] x, int from, int sw) {
        FloatVector v0 = FloatVector.fromArray(S, x, from);
        return sw == 1 ? v0 : EVEN.selectFrom(v0, FloatVector.fromArray(S, x, from + S.length()));
    }

    private static FloatVector pairIndices(int first) {
        float[] idx = new float[S.length()];
        for (int l = 0; l < idx.length; l++) {
            idx[l] = 2 * l + first;
        }
        return FloatVector.fromArray(S, idx, 0);
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
            return FloatVector.fromArray(S, x, at, valid);
        }
        if (at >= 0 && at + map[map.length - 1] < x.length) {
            return FloatVector.fromArray(S, x, at, map, 0, valid);
        }
        for (int l = 0; l < spill.length; l++) {
            spill[l] = valid.laneIsSet(l) ? x[at + map[l]] : 0;
        }
        return FloatVector.fromArray(S, spill, 0);
    }

    static void maxForward(Pooling.Windows win, float[] x, int xOff, int p0, int p1, float[] out, int outOff, int[] where) {
        int vl = S.length();
        int[] map = strided(vl, win.sw);
        float[] spill = new float[vl];
        IntVector lane = IntVector.zero(SI).addIndex(win.sw);   // l * sw
        IntVector index = IntVector.zero(SI).addIndex(1);
        // 2-wide windows at stride 2: two loads and two permutes, no gathers (lanes past the row's last window read the next
        // row's cells, inside the array, and are never stored)
        boolean pairs = win.kw == 2 && win.sw == 2 && win.pw == 0;
        for (int p = p0; p < p1; p++) {
            int in = xOff + p * win.planeIn;
            for (int i = 0; i < win.oh; i++) {
                int o = outOff + p * win.planeOut + i * win.ow;
                for (int j0 = 0; j0 < win.ow; j0 += vl) {
                    VectorMask<Integer> cells = index.compare(VectorOperators.LT, win.ow - j0);
                    FloatVector max = FloatVector.zero(S);
                    IntVector at = IntVector.zero(SI);
                    VectorMask<Float> have = S.maskAll(false);
                    for (int a = 0; a < win.kh; a++) {
                        int ih = i * win.sh - win.ph + a;
                        if (ih < 0 || ih >= win.h) {
                            continue;
                        }
                        if (pairs && in + ih * win.w + 2 * j0 + 2 * vl <= x.length) {
                            int row = in + ih * win.w + 2 * j0;
                            FloatVector v0 = FloatVector.fromArray(S, x, row);
                            FloatVector v1 = FloatVector.fromArray(S, x, row + vl);
                            for (int b = 0; b < 2; b++) {
                                FloatVector v = (b == 0 ? EVEN : ODD).selectFrom(v0, v1);
                                VectorMask<Float> larger = v.compare(VectorOperators.GT, max)
                                        .or(v.compare(VectorOperators.NE, v).andNot(max.compare(VectorOperators.NE, max)));
                                VectorMask<Float> take = larger.or(have.not());
                                max = max.blend(v, take);
                                at = at.blend(lane.add(2 * j0 + b + ih * win.w), take.cast(SI));
                                have = S.maskAll(true);
                            }
                            continue;
                        }
                        for (int b = 0; b < win.kw; b++) {
                            int iw0 = j0 * win.sw - win.pw + b;
                            IntVector iw = lane.add(iw0);
                            VectorMask<Integer> inside = cells.and(iw.compare(VectorOperators.GE, 0))
                                    .and(iw.compare(VectorOperators.LT, win.w));
                            VectorMask<Float> valid = inside.cast(S);
                            int row = in + ih * win.w;
                            FloatVector v = load(x, row + iw0, map, valid, spill);
                            // the first valid cell, then v > max or v NaN while max is not
                            VectorMask<Float> larger = v.compare(VectorOperators.GT, max)
                                    .or(v.compare(VectorOperators.NE, v).andNot(max.compare(VectorOperators.NE, max)));
                            VectorMask<Float> take = valid.and(larger.or(have.not()));
                            max = max.blend(v, take);
                            at = at.blend(iw.add(ih * win.w), take.cast(SI));
                            have = have.or(valid);
                        }
                    }
                    max.intoArray(out, o + j0, cells.cast(S));
                    at.add(p * win.planeIn).intoArray(where, o + j0, cells);
                }
            }
        }
    }

    /**
     * Column stride 1 or 2, dilation 1: for each kernel cell and each vector of output columns, the lanes
     * whose input lies inside the image ({@code take}) are the same on every output row, so the
     * mask is made once and every row is one load, one blend and one store. Loads and stores are
     * whole vectors where they stay inside the array and inside this image's block of cols (a
     * store running past the row's end lands on the next row, written after it: the vectors of a
     * row go last to first); masked at the edges. Other geometries run the reference.
     */
    static void im2col(Patches.Geometry g, float[] x, int xOff, float[] cols, int at, int ld) {
        if (g.sw() > 2 || g.dw() != 1) {
            FloatImageScalar.im2col(g, x, xOff, cols, at, ld);
            return;
        }
        int vl = S.length();
        int sw = g.sw();
        int span = sw * vl;   // input cells under a vector of output columns
        float[] spill = new float[vl];
        int ow = g.ow();
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        FloatVector zero = FloatVector.zero(S);
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
                        int base = plane + (rLo * g.sh() - g.ph() + i * g.dh()) * g.w() + jOff + q0 * sw;
                        int step = g.sh() * g.w();
                        while (rHi > rLo && (base + (rHi - 1 - rLo) * step + span > x.length || block + (rHi - 1) * ow + q0 + vl > blockEnd)) {
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
                                    strided(x, from, sw).blend(zero, drop).intoArray(cols, block + r * ow + q0);
                                }
                                r--;
                                continue;
                            }
                            int to = block + r * ow + q0;
                            int ih = r * g.sh() - g.ph() + i * g.dh();
                            FloatVector v = zero;
                            if (ih >= 0 && ih < g.h()) {
                                int from = plane + ih * g.w() + jOff + q0 * sw;
                                if (from >= 0 && from + span <= x.length) {
                                    v = strided(x, from, sw).blend(zero, drop);
                                } else if (sw == 1) {
                                    v = FloatVector.fromArray(S, x, from, take);
                                } else {
                                    for (int l = 0; l < vl; l++) {
                                        spill[l] = take.laneIsSet(l) ? x[from + l * sw] : 0;
                                    }
                                    v = FloatVector.fromArray(S, spill, 0);
                                }
                            }
                            if (to + vl <= blockEnd) {
                                v.intoArray(cols, to);
                            } else {
                                v.intoArray(cols, to, S.indexInRange(to, blockEnd));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Column stride 1 or 2, dilation 1, as {@link #im2col}: each row adds the patch values of its lanes in
     * {@code take} (0 elsewhere) to a whole vector of dx, stored back whole where it stays inside
     * this image's channels (the lanes outside take store what they held), masked at the edges.
     * Every dx cell receives its additions in the reference's order.
     */
    static void col2im(Patches.Geometry g, float[] dcols, int at, int ld, float[] dx, int dxOff) {
        if (g.sw() > 2 || g.dw() != 1) {
            FloatImageScalar.col2im(g, dcols, at, ld, dx, dxOff);
            return;
        }
        int vl = S.length();
        int sw = g.sw();
        int ow = g.ow();
        int end = dxOff + g.c() * g.h() * g.w();
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        FloatVector zero = FloatVector.zero(S);
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
                        VectorMask<Float> drop = take.not();
                        // even rows, then odd ones: a row's load would otherwise overlap the previous row's store when w < vl, which
                        // the store buffer cannot forward (about 20 cycles each); each dx cell still gets one row's value per kernel cell
                        for (int rr = 0; rr < g.oh(); rr++) {
                            int r = rr < (g.oh() + 1) / 2 ? 2 * rr : 2 * (rr - (g.oh() + 1) / 2) + 1;
                            int ih = r * g.sh() - g.ph() + i * g.dh();
                            if (ih < 0 || ih >= g.h()) {
                                continue;
                            }
                            int from = block + r * ow + q0;
                            int to = plane + ih * g.w() + jOff + q0 * sw;
                            FloatVector d = from + vl <= blockEnd ? FloatVector.fromArray(S, dcols, from).blend(zero, drop)
                                    : FloatVector.fromArray(S, dcols, from, take);
                            if (sw == 2) {
                                if (to >= dxOff && to + 2 * vl <= end) {
                                    // the lanes spread to the even cells of two vectors of dx (0 added to the odd ones)
                                    FloatVector.fromArray(S, dx, to).add(SPREAD_LOW.selectFrom(d, zero)).intoArray(dx, to);
                                    FloatVector.fromArray(S, dx, to + vl).add(SPREAD_HIGH.selectFrom(d, zero)).intoArray(dx, to + vl);
                                } else {
                                    for (int l = 0; l < vl; l++) {
                                        if (take.laneIsSet(l)) {
                                            dx[to + 2 * l] += d.lane(l);
                                        }
                                    }
                                }
                            } else if (to >= dxOff && to + vl <= end) {
                                FloatVector.fromArray(S, dx, to).add(d).intoArray(dx, to);
                            } else {
                                FloatVector.fromArray(S, dx, to, take).add(d).intoArray(dx, to, take);
                            }
                        }
                    }
                }
            }
        }
    }
}
