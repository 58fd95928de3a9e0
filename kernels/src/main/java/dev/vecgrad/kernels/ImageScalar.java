package dev.vecgrad.kernels;

/** The reference {@link ImageKernels}: {@link FloatImageScalar} and its generated double twin {@code DoubleImageScalar}. */
final class ImageScalar implements ImageKernels {

    static final ImageScalar INSTANCE = new ImageScalar();

    private ImageScalar() {}

    @Override
    public void maxForward(Pooling.Windows win, float[] x, int xOff, int p0, int p1, float[] out, int outOff, int[] where) {
        FloatImageScalar.maxForward(win, x, xOff, p0, p1, out, outOff, where);
    }

    @Override
    public void maxForward(Pooling.Windows win, double[] x, int xOff, int p0, int p1, double[] out, int outOff, int[] where) {
        DoubleImageScalar.maxForward(win, x, xOff, p0, p1, out, outOff, where);
    }

    @Override
    public void im2col(Patches.Geometry g, float[] x, int xOff, float[] cols, int at, int ld) {
        FloatImageScalar.im2col(g, x, xOff, cols, at, ld);
    }

    @Override
    public void im2col(Patches.Geometry g, double[] x, int xOff, double[] cols, int at, int ld) {
        DoubleImageScalar.im2col(g, x, xOff, cols, at, ld);
    }

    @Override
    public void col2im(Patches.Geometry g, float[] dcols, int at, int ld, float[] dx, int dxOff) {
        FloatImageScalar.col2im(g, dcols, at, ld, dx, dxOff);
    }

    @Override
    public void col2im(Patches.Geometry g, double[] dcols, int at, int ld, double[] dx, int dxOff) {
        DoubleImageScalar.col2im(g, dcols, at, ld, dx, dxOff);
    }
}
