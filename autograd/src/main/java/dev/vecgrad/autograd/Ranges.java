package dev.vecgrad.autograd;

import dev.vecgrad.kernels.Parallelism;

/**
 * An index range [0, n) of independent items (planes, rows, channels) run over the kernel
 * threads when its work is worth a hand-off; each item's result is the same bits whichever
 * thread runs it.
 */
final class Ranges {

    private Ranges() {}

    /** Below this many values touched by the whole range, it stays on the calling thread: a hand-off costs more. */
    static final long PARALLEL_MIN_VALUES = 1 << 15;

    interface Body {
        void run(int from, int to);
    }

    /** body over [0, n): one call, or one range per kernel thread when {@code values} reaches {@link #PARALLEL_MIN_VALUES}. */
    static void split(int n, long values, Body body) {
        int parts = Math.min(n, Parallelism.threads());
        if (parts <= 1 || values < PARALLEL_MIN_VALUES) {
            body.run(0, n);
            return;
        }
        Parallelism.forEach(parts, t -> body.run((int) ((long) n * t / parts), (int) ((long) n * (t + 1) / parts)));
    }
}
