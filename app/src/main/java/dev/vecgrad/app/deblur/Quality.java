package dev.vecgrad.app.deblur;

/** Image quality against the sharp image, both side x side in [0, 1]. */
public final class Quality {

    private Quality() {}

    private static final int SSIM_SIDE = 11;
    /** SSIM's window: 11 x 11, sigma 1.5, summing to 1; built once. */
    private static final double[] SSIM_WINDOW = Blur.gaussian(SSIM_SIDE, 1.5);

    /** v clamped to the image range [0, 1]. */
    public static double clip(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** A copy of x with every value clamped to [0, 1]. */
    public static double[] clip(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = clip(x[i]);
        }
        return out;
    }

    /** Peak signal-to-noise ratio in dB for data range 1: 10 log10(1 / MSE). */
    public static double psnr(double[] a, double[] b) {
        double mse = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            mse += d * d;
        }
        mse /= a.length;
        return 10 * Math.log10(1 / Math.max(mse, 1e-12));
    }

    /**
     * Structural similarity (Wang et al. 2004) with an 11 x 11 Gaussian window of sigma 1.5,
     * C1 = 0.01^2, C2 = 0.03^2, averaged over the positions where the window fits the image.
     */
    public static double ssim(double[] a, double[] b, int side) {
        int w = SSIM_SIDE;
        double[] g = SSIM_WINDOW;
        double c1 = 1e-4;
        double c2 = 9e-4;
        double total = 0;
        int count = 0;
        for (int y = 0; y + w <= side; y++) {
            for (int x = 0; x + w <= side; x++) {
                double ma = 0;
                double mb = 0;
                for (int i = 0; i < w; i++) {
                    for (int j = 0; j < w; j++) {
                        double q = g[i * w + j];
                        ma += q * a[(y + i) * side + x + j];
                        mb += q * b[(y + i) * side + x + j];
                    }
                }
                double va = 0;
                double vb = 0;
                double cov = 0;
                for (int i = 0; i < w; i++) {
                    for (int j = 0; j < w; j++) {
                        double q = g[i * w + j];
                        double da = a[(y + i) * side + x + j] - ma;
                        double db = b[(y + i) * side + x + j] - mb;
                        va += q * da * da;
                        vb += q * db * db;
                        cov += q * da * db;
                    }
                }
                total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                count++;
            }
        }
        return total / count;
    }
}
