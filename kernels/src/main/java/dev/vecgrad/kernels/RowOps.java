package dev.vecgrad.kernels;

/**
 * Operations on a rows x cols row-major block (contiguous rows, element (r, j) at
 * {@code off + r * cols + j}) and a row vector: bias adds, column sums for bias gradients,
 * row-wise max / argmax, and numerically stable row softmax and log-softmax.
 *
 * <p>Rows are independent, so large blocks are split by rows (column sums by columns)
 * across {@link Parallelism#threads()}; every result is computed in the same order whatever
 * the thread count, so it is bitwise the same for any.
 *
 * <p>Every method throws IllegalArgumentException when rows or cols is negative, an offset
 *         is negative, or an array is null or too short; the message names the op and argument
 */
public final class RowOps {

    /** Static final, so C2 sees one receiver class and inlines the kernel call (see {@link FloatKernels}). */
    private static final FloatKernels FLOAT = Backend.FLOAT;
    private static final DoubleKernels DOUBLE = Backend.DOUBLE;

    private RowOps() {}

    /** Rows [r0, r0 + count) of a block. */
    @FunctionalInterface
    private interface Rows {
        void run(int r0, int count);
    }

    /** Runs whole blocks of rows, in parallel when the block is large. */
    private static void byRows(int rows, int cols, Rows body) {
        long size = (long) rows * cols;
        if (size <= Elementwise.GRAIN || rows == 1) {
            body.run(0, rows);
            return;
        }
        int per = Math.max(1, Elementwise.CHUNK / Math.max(1, cols));
        int blocks = (rows + per - 1) / per;
        Parallelism.forEach(blocks, b -> body.run(b * per, Math.min(per, rows - b * per)));
    }

    /** out[r][j] = x[r][j] + v[j] (a bias added to every row). */
    public static void addRowVector(float[] x, int xOff, int rows, int cols, float[] v, int vOff, float[] out, int outOff) {
        addRow("addRowVector", x, xOff, rows, cols, v, vOff, false, out, outOff);
    }

    /** out[r][j] = max(0, x[r][j] + v[j]): bias add and ReLU fused in one pass. */
    public static void addRowVectorRelu(float[] x, int xOff, int rows, int cols, float[] v, int vOff, float[] out, int outOff) {
        addRow("addRowVectorRelu", x, xOff, rows, cols, v, vOff, true, out, outOff);
    }

    private static void addRow(String op, float[] x, int xOff, int rows, int cols, float[] v, int vOff, boolean relu,
                               float[] out, int outOff) {
        checkBlock(op, "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock(op, "v", v == null ? -1 : v.length, vOff, 1, cols);
        checkBlock(op, "out", out == null ? -1 : out.length, outOff, rows, cols);
        byRows(rows, cols, (r0, n) -> FLOAT.addRow(x, xOff + r0 * cols, n, cols, v, vOff, relu, out, outOff + r0 * cols));
    }

    /** out[r][j] = x[r][j] + v[j]. */
    public static void addRowVector(double[] x, int xOff, int rows, int cols, double[] v, int vOff, double[] out, int outOff) {
        addRow("addRowVector", x, xOff, rows, cols, v, vOff, false, out, outOff);
    }

    /** out[r][j] = max(0, x[r][j] + v[j]). */
    public static void addRowVectorRelu(double[] x, int xOff, int rows, int cols, double[] v, int vOff, double[] out, int outOff) {
        addRow("addRowVectorRelu", x, xOff, rows, cols, v, vOff, true, out, outOff);
    }

    private static void addRow(String op, double[] x, int xOff, int rows, int cols, double[] v, int vOff, boolean relu,
                               double[] out, int outOff) {
        checkBlock(op, "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock(op, "v", v == null ? -1 : v.length, vOff, 1, cols);
        checkBlock(op, "out", out == null ? -1 : out.length, outOff, rows, cols);
        byRows(rows, cols, (r0, n) -> DOUBLE.addRow(x, xOff + r0 * cols, n, cols, v, vOff, relu, out, outOff + r0 * cols));
    }

    /** out[r][j] = x[r][j] * v[j] (every row scaled by a vector). */
    public static void mulRowVector(float[] x, int xOff, int rows, int cols, float[] v, int vOff, float[] out, int outOff) {
        checkBlock("mulRowVector", "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock("mulRowVector", "v", v == null ? -1 : v.length, vOff, 1, cols);
        checkBlock("mulRowVector", "out", out == null ? -1 : out.length, outOff, rows, cols);
        byRows(rows, cols, (r0, n) -> FLOAT.mulRow(x, xOff + r0 * cols, n, cols, v, vOff, out, outOff + r0 * cols));
    }

    /** out[r][j] = x[r][j] * v[j]. */
    public static void mulRowVector(double[] x, int xOff, int rows, int cols, double[] v, int vOff, double[] out, int outOff) {
        checkBlock("mulRowVector", "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock("mulRowVector", "v", v == null ? -1 : v.length, vOff, 1, cols);
        checkBlock("mulRowVector", "out", out == null ? -1 : out.length, outOff, rows, cols);
        byRows(rows, cols, (r0, n) -> DOUBLE.mulRow(x, xOff + r0 * cols, n, cols, v, vOff, out, outOff + r0 * cols));
    }

    /**
     * out[j] = sum over r of x[r][j] (a bias gradient), or out[j] += that when
     * {@code accumulate}; rows are added in order, so the result is the same for any thread count.
     */
    public static void columnSums(float[] x, int xOff, int rows, int cols, float[] out, int outOff, boolean accumulate) {
        checkBlock("columnSums", "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock("columnSums", "out", out == null ? -1 : out.length, outOff, 1, cols);
        byColumns(rows, cols, (j0, j1) -> FLOAT.columnSums(x, xOff, rows, cols, j0, j1, out, outOff, accumulate));
    }

    /** As {@link #columnSums(float[], int, int, int, float[], int, boolean)}. */
    public static void columnSums(double[] x, int xOff, int rows, int cols, double[] out, int outOff, boolean accumulate) {
        checkBlock("columnSums", "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock("columnSums", "out", out == null ? -1 : out.length, outOff, 1, cols);
        byColumns(rows, cols, (j0, j1) -> DOUBLE.columnSums(x, xOff, rows, cols, j0, j1, out, outOff, accumulate));
    }

    private static void byColumns(int rows, int cols, Rows body) {
        int per = 256;
        if ((long) rows * cols <= Elementwise.GRAIN || cols <= per) {
            body.run(0, cols);
            return;
        }
        int blocks = (cols + per - 1) / per;
        Parallelism.forEach(blocks, b -> body.run(b * per, Math.min(cols, (b + 1) * per)));
    }

    /**
     * Row-wise softmax, max-subtracted: out[r][j] = exp(x[r][j] - m) / sum_j exp(x[r][j] - m),
     * m the row max. Rows of logits around +-1e4 are exact to float rounding; -infinity
     * entries give 0; a row of only -infinity, or with NaN or +infinity, gives NaN, as PyTorch does.
     */
    public static void rowSoftmax(float[] x, int xOff, int rows, int cols, float[] out, int outOff) {
        softmax("rowSoftmax", x, xOff, rows, cols, out, outOff, false);
    }

    /** Row-wise log-softmax: out[r][j] = x[r][j] - m - log(sum_j exp(x[r][j] - m)). */
    public static void rowLogSoftmax(float[] x, int xOff, int rows, int cols, float[] out, int outOff) {
        softmax("rowLogSoftmax", x, xOff, rows, cols, out, outOff, true);
    }

    private static void softmax(String op, float[] x, int xOff, int rows, int cols, float[] out, int outOff, boolean log) {
        checkBlock(op, "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock(op, "out", out == null ? -1 : out.length, outOff, rows, cols);
        byRows(rows, cols, (r0, n) -> FLOAT.rowSoftmax(x, xOff + r0 * cols, n, cols, out, outOff + r0 * cols, log));
    }

    /** Row-wise softmax in double; see the float overload. */
    public static void rowSoftmax(double[] x, int xOff, int rows, int cols, double[] out, int outOff) {
        softmax("rowSoftmax", x, xOff, rows, cols, out, outOff, false);
    }

    /** Row-wise log-softmax in double. */
    public static void rowLogSoftmax(double[] x, int xOff, int rows, int cols, double[] out, int outOff) {
        softmax("rowLogSoftmax", x, xOff, rows, cols, out, outOff, true);
    }

    private static void softmax(String op, double[] x, int xOff, int rows, int cols, double[] out, int outOff, boolean log) {
        checkBlock(op, "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock(op, "out", out == null ? -1 : out.length, outOff, rows, cols);
        byRows(rows, cols, (r0, n) -> DOUBLE.rowSoftmax(x, xOff + r0 * cols, n, cols, out, outOff + r0 * cols, log));
    }

    /** out[r] = max of row r (NaN if the row has one). */
    public static void rowMax(float[] x, int xOff, int rows, int cols, float[] out, int outOff) {
        checkBlock("rowMax", "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock("rowMax", "out", out == null ? -1 : out.length, outOff, 1, rows);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = Reductions.max(x, xOff + r * cols, cols);
        }
    }

    /** out[r] = index of the first max of row r (of its first NaN if any). */
    public static void rowArgmax(float[] x, int xOff, int rows, int cols, int[] out, int outOff) {
        checkBlock("rowArgmax", "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock("rowArgmax", "out", out == null ? -1 : out.length, outOff, 1, rows);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = Reductions.argmax(x, xOff + r * cols, cols);
        }
    }

    /** out[r] = max of row r. */
    public static void rowMax(double[] x, int xOff, int rows, int cols, double[] out, int outOff) {
        checkBlock("rowMax", "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock("rowMax", "out", out == null ? -1 : out.length, outOff, 1, rows);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = Reductions.max(x, xOff + r * cols, cols);
        }
    }

    /** out[r] = index of the first max of row r. */
    public static void rowArgmax(double[] x, int xOff, int rows, int cols, int[] out, int outOff) {
        checkBlock("rowArgmax", "x", x == null ? -1 : x.length, xOff, rows, cols);
        checkBlock("rowArgmax", "out", out == null ? -1 : out.length, outOff, 1, rows);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = Reductions.argmax(x, xOff + r * cols, cols);
        }
    }

    static void checkBlock(String op, String name, int length, int off, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": rows and cols must be >= 0, got " + rows + " x " + cols);
        }
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + rows + " x " + cols + " is more elements than an array holds");
        }
        Elementwise.check(op, name, length, off, (int) n);
    }
}
