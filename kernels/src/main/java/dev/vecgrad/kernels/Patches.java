package dev.vecgrad.kernels;

/**
 * The patch matrix of a 2-D convolution (im2col) and its reverse (col2im), for float and
 * double. For one image (or one group of its channels), {@code cols} has a row per kernel
 * cell (channel c, row i, column j, in that order) and a column per output position (row r,
 * column q, row-major): {@code cols[(c kh + i) kw + j][r ow + q] = x[c][r sh - ph + i dh][q sw - pw + j dw]},
 * 0 where that falls in the padding. A convolution is then one GEMM with it.
 *
 * <p>{@code cols} is a block of a wider matrix: its column 0 is at {@code at}, its rows
 * {@code ld} apart, so that several images' patches sit side by side (see the autograd's
 * {@code Convolution}). The Vector API kernels ({@code ImageSimd}) handle stride 1 a row of
 * outputs at a time with masked loads and stores; other geometries, and the scalar backend, run
 * {@link FloatImageScalar}, the reference (and its generated double twin). Both add into x's
 * gradient in the same order (kernel cells, then output positions), so col2im gives the same bits
 * either way.
 */
public final class Patches {

    private Patches() {}

    /** One image's convolution geometry: c channels (of one group) of h x w, kernel kh x kw, output oh x ow. */
    public record Geometry(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {

        /** Checks the sizes and that the output fits the input as {@code torch.nn.functional.conv2d} computes it. */
        public Geometry {
            if (c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || dh < 1 || dw < 1
                    || oh != (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1 || ow != (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1 || oh < 1
                    || ow < 1) {
                throw new IllegalArgumentException("patches: inconsistent geometry " + c + "x" + h + "x" + w + ", kernel " + kh + "x" + kw
                        + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw + ", dilation " + dh + "x" + dw + ", output " + oh + "x" + ow);
            }
        }

        /** Rows of the patch matrix: c kh kw. */
        public int rows() {
            return c * kh * kw;
        }

        /** Columns of one image's patch matrix: oh ow. */
        public int columns() {
            return oh * ow;
        }

        /** First output column q whose input column for kernel column j lies inside [0, w). */
        int firstColumn(int j) {
            int off = j * dw - pw;
            return Math.max(0, -Math.floorDiv(off, sw));
        }

        /** Last such column (below {@link #firstColumn} when none is inside). */
        int lastColumn(int j) {
            return Math.min(ow - 1, Math.floorDiv(w - 1 - (j * dw - pw), sw));
        }
    }

    private static final ImageKernels KERNELS = Backend.image();

    /** cols[., at ..] (rows ld apart) = the patches of the image whose channel 0 starts at x[xOff]. */
    public static void im2col(Geometry g, float[] x, int xOff, float[] cols, int at, int ld) {
        KERNELS.im2col(g, x, xOff, cols, at, ld);
    }

    /** As the float {@link #im2col}. */
    public static void im2col(Geometry g, double[] x, int xOff, double[] cols, int at, int ld) {
        KERNELS.im2col(g, x, xOff, cols, at, ld);
    }

    /** dx (channel 0 at dxOff) += every patch of dcols[., at ..] (rows ld apart) put back where im2col took it. */
    public static void col2im(Geometry g, float[] dcols, int at, int ld, float[] dx, int dxOff) {
        KERNELS.col2im(g, dcols, at, ld, dx, dxOff);
    }

    /** As the float {@link #col2im}. */
    public static void col2im(Geometry g, double[] dcols, int at, int ld, double[] dx, int dxOff) {
        KERNELS.col2im(g, dcols, at, ld, dx, dxOff);
    }
}
