package dev.vecgrad.kernels;

/**
 * The image kernels with a vector form (max pooling, im2col, col2im): {@link ImageScalar}, the
 * reference, and {@code ImageSimd} implement it; {@link Backend} picks one, as it does
 * {@link FloatKernels}. Arguments as {@link Pooling#maxForward}, {@link Patches#im2col} and
 * {@link Patches#col2im}.
 */
interface ImageKernels {

    void maxForward(Pooling.Windows win, float[] x, int xOff, int p0, int p1, float[] out, int outOff, int[] where);

    void maxForward(Pooling.Windows win, double[] x, int xOff, int p0, int p1, double[] out, int outOff, int[] where);

    void im2col(Patches.Geometry g, float[] x, int xOff, float[] cols, int at, int ld);

    void im2col(Patches.Geometry g, double[] x, int xOff, double[] cols, int at, int ld);

    void col2im(Patches.Geometry g, float[] dcols, int at, int ld, float[] dx, int dxOff);

    void col2im(Patches.Geometry g, double[] dcols, int at, int ld, double[] dx, int dxOff);
}
