package dev.vecgrad.models.data;

import java.util.Random;

/**
 * Independent random streams from one user seed: each use (generating moons, splitting,
 * shuffling) draws from its own stream, so that the same seed given to two of them does not
 * make them draw the same numbers (a split that picks exactly the first points a generator
 * made, say).
 */
public final class Seeds {

    private Seeds() {}

    /** A generator for {@code purpose} under {@code seed}: the same pair, the same stream. */
    public static Generator random(long seed, String purpose) {
        long z = seed ^ (purpose.hashCode() * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Generator(z ^ (z >>> 31));
    }

    /**
     * A {@link Random} whose state can be read and set, so that a training run saved at the end
     * of an epoch continues with the very numbers an uninterrupted run draws (the shuffling,
     * dropout's masks). It draws exactly what {@code new Random(seed)} draws, method for method:
     * the same 48-bit linear congruential generator, and {@code nextGaussian}'s polar method with
     * its cached second value. Not thread-safe (training draws from one thread).
     */
    public static final class Generator extends Random {

        private static final long MULTIPLIER = 0x5DEECE66DL;
        private static final long ADDEND = 0xBL;
        private static final long MASK = (1L << 48) - 1;

        private long state;
        private double nextNextGaussian;
        private boolean haveNextNextGaussian;

        public Generator(long seed) {
            super(0);
            setSeed(seed);
        }

        /** As {@link Random#setSeed}: the same seed, the same stream as {@code new Random(seed)}. */
        @Override
        public void setSeed(long seed) {
            state = (seed ^ MULTIPLIER) & MASK;
            haveNextNextGaussian = false;
        }

        @Override
        protected int next(int bits) {
            state = (state * MULTIPLIER + ADDEND) & MASK;
            return (int) (state >>> (48 - bits));
        }

        /** {@link Random#nextGaussian()}'s polar method, with this generator's own cache. */
        @Override
        public double nextGaussian() {
            if (haveNextNextGaussian) {
                haveNextNextGaussian = false;
                return nextNextGaussian;
            }
            double v1;
            double v2;
            double s;
            do {
                v1 = 2 * nextDouble() - 1;
                v2 = 2 * nextDouble() - 1;
                s = v1 * v1 + v2 * v2;
            } while (s >= 1 || s == 0);
            double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
            nextNextGaussian = v2 * multiplier;
            haveNextNextGaussian = true;
            return v1 * multiplier;
        }

        /**
         * The whole state as exact numbers: the 48-bit seed's high and low 24 bits, and the cached
         * Gaussian when there is one (NaN when not).
         */
        public double[] state() {
            return new double[] {state >>> 24, state & 0xFFFFFF, haveNextNextGaussian ? nextNextGaussian : Double.NaN};
        }

        /** Continues from a {@link #state()}. */
        public void setState(double[] s) {
            if (s.length != 3 || !(s[0] >= 0 && s[0] < (1 << 24) && s[0] == Math.rint(s[0]))
                    || !(s[1] >= 0 && s[1] < (1 << 24) && s[1] == Math.rint(s[1]))) {
                throw new IllegalArgumentException("not a generator state: " + java.util.Arrays.toString(s));
            }
            state = ((long) s[0] << 24) | (long) s[1];
            haveNextNextGaussian = !Double.isNaN(s[2]);
            nextNextGaussian = haveNextNextGaussian ? s[2] : 0;
        }
    }
}
