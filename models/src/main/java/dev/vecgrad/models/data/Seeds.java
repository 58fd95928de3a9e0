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
    public static Random random(long seed, String purpose) {
        long z = seed ^ (purpose.hashCode() * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }
}
