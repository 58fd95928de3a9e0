package dev.vecgrad.kernels;

/**
 * Reductions over float[] and double[] ranges: sum, max, argmax, dot, squared L2 norm.
 *
 * <p>Arrays are cut into chunks of {@link Elementwise#CHUNK} elements whatever the thread
 * count; each chunk is reduced in a fixed order (vector lanes, then lanes combined) and the
 * chunk results are added in chunk order, in double. So a result is bitwise the same for
 * any number of threads; threads only share the chunks of large arrays.
 *
 * <p>Every method throws IllegalArgumentException when n is negative, an offset is negative,
 *         an array is null or too short; the message names the op and the argument
 */
public final class Reductions {

    /** Static final, so C2 sees one receiver class and inlines the kernel call (see {@link FloatKernels}). */
    private static final FloatKernels FLOAT = Backend.FLOAT;
    private static final DoubleKernels DOUBLE = Backend.DOUBLE;
    private static final int CHUNK = Elementwise.CHUNK;

    private Reductions() {}

    /** A reduction of one chunk [from, from + len). */
    @FunctionalInterface
    private interface ChunkSum {
        double apply(int from, int len);
    }

    /** Sums the chunk results in chunk order; chunks run in parallel past one GRAIN. */
    private static double chunked(int n, ChunkSum body) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks <= 1) {
            return body.apply(0, n);
        }
        double[] partial = new double[chunks];
        if (n <= Elementwise.GRAIN) {
            for (int c = 0; c < chunks; c++) {
                partial[c] = body.apply(c * CHUNK, Math.min(CHUNK, n - c * CHUNK));
            }
        } else {
            Parallelism.forEach(chunks, c -> partial[c] = body.apply(c * CHUNK, Math.min(CHUNK, n - c * CHUNK)));
        }
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    /** Sum of x[off, off + n), accumulated in float lanes per chunk and in double across chunks. */
    public static float sum(float[] x, int off, int n) {
        check("sum", "x", x, off, n);
        return (float) chunked(n, (from, len) -> FLOAT.sum(x, off + from, len));
    }

    /** Sum of x[off, off + n). */
    public static double sum(double[] x, int off, int n) {
        check("sum", "x", x, off, n);
        return chunked(n, (from, len) -> DOUBLE.sum(x, off + from, len));
    }

    /** Sum of a[i] * b[i]. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        check("dot", "a", a, aOff, n);
        check("dot", "b", b, bOff, n);
        return (float) chunked(n, (from, len) -> FLOAT.dot(a, aOff + from, b, bOff + from, len));
    }

    /** Sum of a[i] * b[i]. */
    public static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
        check("dot", "a", a, aOff, n);
        check("dot", "b", b, bOff, n);
        return chunked(n, (from, len) -> DOUBLE.dot(a, aOff + from, b, bOff + from, len));
    }

    /** Squared L2 norm, sum of x[i]^2 (for gradient clipping), in double. */
    public static double sumOfSquares(float[] x, int off, int n) {
        check("sumOfSquares", "x", x, off, n);
        return chunked(n, (from, len) -> FLOAT.dot(x, off + from, x, off + from, len));
    }

    /** Squared L2 norm, sum of x[i]^2. */
    public static double sumOfSquares(double[] x, int off, int n) {
        check("sumOfSquares", "x", x, off, n);
        return chunked(n, (from, len) -> DOUBLE.dot(x, off + from, x, off + from, len));
    }

    /** Largest element; NaN when any element is NaN; -infinity when n is 0. */
    public static float max(float[] x, int off, int n) {
        check("max", "x", x, off, n);
        float m = Float.NEGATIVE_INFINITY;
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            m = Math.max(m, FLOAT.max(x, off + from, len));
        }
        return m;
    }

    /** Largest element; NaN when any element is NaN; -infinity when n is 0. */
    public static double max(double[] x, int off, int n) {
        check("max", "x", x, off, n);
        double m = Double.NEGATIVE_INFINITY;
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            m = Math.max(m, DOUBLE.max(x, off + from, len));
        }
        return m;
    }

    /**
     * Index (from 0, relative to off) of the first largest element, or of the first NaN if
     * there is one (NaN counts as largest, as in PyTorch).
     *
     * @throws IllegalArgumentException also when n is 0
     */
    public static int argmax(float[] x, int off, int n) {
        check("argmax", "x", x, off, n);
        requireElements("argmax", n);
        float m = max(x, off, n);
        return FLOAT.indexOf(x, off, n, m);
    }

    /** As {@link #argmax(float[], int, int)}. */
    public static int argmax(double[] x, int off, int n) {
        check("argmax", "x", x, off, n);
        requireElements("argmax", n);
        double m = max(x, off, n);
        return DOUBLE.indexOf(x, off, n, m);
    }

    static void requireElements(String op, int n) {
        if (n == 0) {
            throw new IllegalArgumentException(op + ": no elements (n = 0)");
        }
    }

    private static void check(String op, String name, float[] x, int off, int n) {
        Elementwise.checkLength(op, n);
        Elementwise.check(op, name, x == null ? -1 : x.length, off, n);
    }

    private static void check(String op, String name, double[] x, int off, int n) {
        Elementwise.checkLength(op, n);
        Elementwise.check(op, name, x == null ? -1 : x.length, off, n);
    }
}
