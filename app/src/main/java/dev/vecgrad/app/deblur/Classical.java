package dev.vecgrad.app.deblur;

import java.util.List;
import org.jtransforms.fft.DoubleFFT_2D;

/**
 * The classical non-blind restorations, given the true kernel: Wiener deconvolution with the
 * noise level known, and Richardson-Lucy. Images are side x side in [0, 1].
 */
public final class Classical {

    private Classical() {}

    /** The mean power spectrum |X(f)|^2 of sharp images (unnormalized DFT): the signal statistics Wiener's filter uses. */
    public static double[] powerSpectrum(List<double[]> images, int side) {
        double[] s = new double[side * side];
        DoubleFFT_2D fft = new DoubleFFT_2D(side, side);
        for (double[] im : images) {
            double[] z = new double[2 * side * side];
            for (int i = 0; i < im.length; i++) {
                z[2 * i] = im[i];
            }
            fft.complexForward(z);
            for (int i = 0; i < s.length; i++) {
                s[i] += (z[2 * i] * z[2 * i] + z[2 * i + 1] * z[2 * i + 1]) / images.size();
            }
        }
        return s;
    }

    /**
     * Wiener deconvolution in the Fourier domain: X = conj(H) Y / (|H|^2 + N / S(f)), with the
     * kernel H centred at the origin (circular convolution, which the black borders make close
     * to the zero-padded blur), the noise power N = sigma^2 side^2 of white noise of the known
     * level, and S the images' mean power spectrum ({@link #powerSpectrum}).
     */
    public static double[] wiener(double[] blurred, int side, double[] k, double sigma, double[] spectrum) {
        double[] y = new double[2 * side * side];
        double[] h = new double[2 * side * side];
        for (int i = 0; i < side * side; i++) {
            y[2 * i] = blurred[i];
        }
        int c = Blur.K / 2;
        for (int i = 0; i < Blur.K; i++) {
            for (int j = 0; j < Blur.K; j++) {
                int r = Math.floorMod(i - c, side);
                int q = Math.floorMod(j - c, side);
                h[2 * (r * side + q)] += k[i * Blur.K + j];
            }
        }
        DoubleFFT_2D fft = new DoubleFFT_2D(side, side);
        fft.complexForward(y);
        fft.complexForward(h);
        double noisePower = sigma * sigma * side * side;
        for (int i = 0; i < side * side; i++) {
            double hr = h[2 * i];
            double hi = h[2 * i + 1];
            double yr = y[2 * i];
            double yi = y[2 * i + 1];
            double d = hr * hr + hi * hi + noisePower / Math.max(spectrum[i], 1e-12);
            y[2 * i] = (hr * yr + hi * yi) / d;
            y[2 * i + 1] = (hr * yi - hi * yr) / d;
        }
        fft.complexInverse(y, true);
        double[] out = new double[side * side];
        for (int i = 0; i < out.length; i++) {
            out[i] = Quality.clip(y[2 * i]);
        }
        return out;
    }

    /** Richardson-Lucy: x <- x * (k^T conv (y / (k conv x))), from x = y, for the given number of iterations. */
    public static double[] richardsonLucy(double[] blurred, int side, double[] k, int iterations) {
        return richardsonLucy(blurred, side, k, new int[] {Math.max(0, iterations)})[0];
    }

    /**
     * One Richardson-Lucy run that returns its estimate, clipped to [0, 1], after each of the
     * iteration counts in {@code stops} (ascending): the same images as separate runs of those
     * lengths, for the work of the longest.
     */
    public static double[][] richardsonLucy(double[] blurred, int side, double[] k, int[] stops) {
        for (int s = 0; s < stops.length; s++) {
            if (stops[s] < 0 || (s > 0 && stops[s] < stops[s - 1])) {
                throw new IllegalArgumentException("Richardson-Lucy: iteration counts must be ascending and >= 0, got "
                        + java.util.Arrays.toString(stops));
            }
        }
        double[][] out = new double[stops.length][];
        double[] x = new double[blurred.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(blurred[i], 1e-3);
        }
        int next = 0;
        for (int it = 0; next < stops.length; it++) {
            while (next < stops.length && stops[next] == it) {
                out[next++] = Quality.clip(x);
            }
            if (next == stops.length) {
                break;
            }
            double[] est = Blur.convolve(x, side, k, false);
            double[] ratio = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                ratio[i] = Math.max(blurred[i], 0) / Math.max(est[i], 1e-6);
            }
            double[] corr = Blur.convolve(ratio, side, k, true);
            for (int i = 0; i < x.length; i++) {
                x[i] *= corr[i];
            }
        }
        return out;
    }
}
