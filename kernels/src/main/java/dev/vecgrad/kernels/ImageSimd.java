package dev.vecgrad.kernels;

/**
 * The Vector API {@link ImageKernels}: {@link FloatImageSimd} and its generated double twin
 * {@code DoubleImageSimd}. Named only from {@link VectorBackend}, so that a JVM without the
 * incubator module never loads them.
 */
final class ImageSimd implements ImageKernels {

    static final ImageSimd INSTANCE = new ImageSimd();

    private ImageSimd() {}

    @Override
    public void maxForward(Pooling.Windows win, float[] x, int xOff, int p0, int p1, float[] out, int outOff, int[] where) {
        FloatImageSimd.maxForward(win, x, xOff, p0, p1, out, outOff, where);
    }

    @Override
    public void maxForward(Pooling.Windows win, double[] x, int xOff, int p0, int p1, double[] out, int outOff, int[] where) {
        DoubleImageSimd.maxForward(win, x, xOff, p0, p1, out, outOff, where);
    }

    @Override
    public void im2col(Patches.Geometry g, float[] x, int xOff, float[] cols, int at, int ld) {
        FloatImageSimd.im2col(g, x, xOff, cols, at, ld);
    }

    @Override
    public void im2col(Patches.Geometry g, double[] x, int xOff, double[] cols, int at, int ld) {
        DoubleImageSimd.im2col(g, x, xOff, cols, at, ld);
    }

    @Override
    public void col2im(Patches.Geometry g, float[] dcols, int at, int ld, float[] dx, int dxOff) {
        FloatImageSimd.col2im(g, dcols, at, ld, dx, dxOff);
    }

    @Override
    public void col2im(Patches.Geometry g, double[] dcols, int at, int ld, double[] dx, int dxOff) {
        DoubleImageSimd.col2im(g, dcols, at, ld, dx, dxOff);
    }
}
