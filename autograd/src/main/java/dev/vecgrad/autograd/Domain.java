package dev.vecgrad.autograd;

import java.util.Random;

/**
 * Where an op's input may lie for its gradient to be checked by finite differences: the
 * values the checks draw, and, for inputs computed by other ops (the fuzzer's expression
 * DAGs), a smooth map from any real number into the domain.
 */
public enum Domain {
    /** Any value; checks draw from [-2, 2]. */
    ANY(-2, 2, "$0"),
    /**
     * Values of moderate size, for ops that grow fast (exp, cubes): checks draw from [-2, 2];
     * DAGs use 2 tanh(x), so that compositions cannot overflow.
     */
    BOUNDED(-2, 2, "$0.tanh().mul(2)"),
    /** Positive values (log, sqrt, divisors); checks draw from [0.2, 2]; DAGs use x^2 + 0.25. */
    POSITIVE(0.2, 2, "$0.mul($0).add(0.25)"),
    /** In (0, 1) (probabilities); checks draw from [0.05, 0.95]; DAGs use sigmoid(x). */
    UNIT(0.05, 0.95, "$0.sigmoid()"),
    /**
     * Away from the kink at 0 (relu, abs): magnitudes in [0.1, 2], either sign. No smooth map
     * reaches it, so the fuzzer applies such ops to inputs only.
     */
    AWAY_FROM_ZERO(0.1, 2, null);

    private final double lo;
    private final double hi;
    private final String squash;

    Domain(double lo, double hi, String squash) {
        this.lo = lo;
        this.hi = hi;
        this.squash = squash;
    }

    /** A value for checks, rounded to 3 decimals so that it prints exactly. */
    public double draw(Random rnd) {
        double v = Math.round((lo + (hi - lo) * rnd.nextDouble()) * 1000) / 1000.0;
        return this == AWAY_FROM_ZERO && rnd.nextBoolean() ? -v : v;
    }

    /** True when {@link #squash} exists: any computed value can be mapped into the domain. */
    public boolean reachable() {
        return squash != null;
    }

    /** Java code mapping the expression {@code code} into the domain. */
    public String squash(String code) {
        return squash.replace("$0", code.matches("x\\d+") ? code : "(" + code + ")");
    }

    /** The same map applied to a tensor. */
    public Tensor squash(Tensor x) {
        return switch (this) {
            case ANY -> x;
            case BOUNDED -> x.tanh().mul(2);
            case POSITIVE -> x.mul(x).add(0.25);
            case UNIT -> x.sigmoid();
            case AWAY_FROM_ZERO -> throw new IllegalStateException("no smooth map reaches AWAY_FROM_ZERO");
        };
    }
}
