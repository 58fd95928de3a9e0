package dev.vecgrad.app.deblur;

import java.util.Random;

/**
 * Blur kernels of three kinds (Gaussian of random width, motion of random length and angle,
 * defocus disc of random radius), each size x size (odd; {@link #K} by default), non-negative,
 * summing to 1, and blurring by 'same'-size convolution with zeros outside the image (the
 * zero-boundary model; Fashion-MNIST's objects do touch the border, which is why the classical
 * methods of {@link Classical} model that boundary exactly). A kernel's size is read from its
 * length (size squared).
 */
public final class Blur {

    public static final int K = 9;

    private Blur() {}

    /** A K x K kernel drawn from rng: one of the three kinds, its parameters uniform in their ranges. */
    public static double[] random(Random rng) {
        return randomKernel(rng).weights();
    }

    /** As {@link #random(Random)}, size x size. */
    public static double[] random(Random rng, int size) {
        return randomKernel(rng, size).weights();
    }

    /** The three kinds of kernel, in the order {@link #randomKernel} draws them. */
    public static final java.util.List<String> KINDS = java.util.List.of("gaussian", "motion", "disc");

    /** A kernel and its kind (one of {@link #KINDS}). */
    public record Kernel(String kind, double[] weights) {}

    /** As {@link #random}, with the kind it drew (the same draws from rng). */
    public static Kernel randomKernel(Random rng) {
        return randomKernel(rng, K);
    }

    /**
     * As {@link #randomKernel(Random)}, size x size: the ranges of the widths scale with size / K
     * (Gaussian sigma 0.8 to 2, motion length 3 to 9, disc radius 1 to 3.5 at 9 x 9), so at K the
     * draws and kernels are those of K x K.
     */
    public static Kernel randomKernel(Random rng, int size) {
        checkSize(size);
        double scale = size / (double) K;
        int kind = rng.nextInt(3);
        double[] k = switch (kind) {
            case 0 -> gaussian(size, (0.8 + 1.2 * rng.nextDouble()) * scale);
            case 1 -> motion(size, (3 + 6 * rng.nextDouble()) * scale, Math.PI * rng.nextDouble());
            default -> disc(size, (1 + 2.5 * rng.nextDouble()) * scale);
        };
        return new Kernel(KINDS.get(kind), k);
    }

    /** The side of a square kernel of these weights: the square root of their count, which must be odd. */
    public static int size(double[] k) {
        int size = (int) Math.round(Math.sqrt(k.length));
        if (size * size != k.length || size % 2 == 0) {
            throw new IllegalArgumentException("a blur kernel is size x size with size odd, got " + k.length + " weights");
        }
        return size;
    }

    private static void checkSize(int size) {
        if (size < 3 || size % 2 == 0) {   // at 1 the scaled disc can miss every sample point
            throw new IllegalArgumentException("a random blur kernel's size must be odd and at least 3, got " + size);
        }
    }

    public static double[] gaussian(double sigma) {
        return gaussian(K, sigma);
    }

    /** A size x size Gaussian (size odd) of the given sigma, centred, summing to 1. */
    static double[] gaussian(int size, double sigma) {
        double[] k = new double[size * size];
        int c = size / 2;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                k[i * size + j] = Math.exp(-((i - c) * (i - c) + (j - c) * (j - c)) / (2 * sigma * sigma));
            }
        }
        return normalize(k);
    }

    /** A K x K line of the given length through the centre at angle theta, drawn with bilinear weights. */
    public static double[] motion(double length, double theta) {
        return motion(K, length, theta);
    }

    /** As {@link #motion(double, double)}, size x size. */
    static double[] motion(int size, double length, double theta) {
        double[] k = new double[size * size];
        int c = size / 2;
        int samples = 64;
        for (int s = 0; s <= samples; s++) {
            double t = (s / (double) samples - 0.5) * (length - 1);
            double y = c + t * Math.sin(theta);
            double x = c + t * Math.cos(theta);
            int y0 = (int) Math.floor(y);
            int x0 = (int) Math.floor(x);
            double fy = y - y0;
            double fx = x - x0;
            add(k, size, y0, x0, (1 - fy) * (1 - fx));
            add(k, size, y0 + 1, x0, fy * (1 - fx));
            add(k, size, y0, x0 + 1, (1 - fy) * fx);
            add(k, size, y0 + 1, x0 + 1, fy * fx);
        }
        return normalize(k);
    }

    /** A K x K uniform disc of the given radius (4 x 4 supersampled edges). */
    public static double[] disc(double radius) {
        return disc(K, radius);
    }

    /** As {@link #disc(double)}, size x size. */
    static double[] disc(int size, double radius) {
        double[] k = new double[size * size];
        int c = size / 2;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                int inside = 0;
                for (int a = 0; a < 4; a++) {
                    for (int b = 0; b < 4; b++) {
                        double y = i - c + (a + 0.5) / 4 - 0.5;
                        double x = j - c + (b + 0.5) / 4 - 0.5;
                        inside += y * y + x * x <= radius * radius ? 1 : 0;
                    }
                }
                k[i * size + j] = inside / 16.0;
            }
        }
        return normalize(k);
    }

    private static void add(double[] k, int size, int y, int x, double w) {
        if (y >= 0 && y < size && x >= 0 && x < size) {
            k[y * size + x] += w;
        }
    }

    private static double[] normalize(double[] k) {
        double s = 0;
        for (double v : k) {
            s += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= s;
        }
        return k;
    }

    /** image (side x side, row-major) convolved with kernel k ('same' size, zeros outside); transposed flips the kernel. */
    public static double[] convolve(double[] image, int side, double[] k, boolean transposed) {
        int size = size(k);
        double[] out = new double[side * side];
        int c = size / 2;
        // the taps that land inside the image, as index ranges instead of a test per tap (the same sums in the same order:
        // TV and Richardson-Lucy spend their time here)
        for (int y = 0; y < side; y++) {
            int i0 = transposed ? Math.max(0, c - y) : Math.max(0, y + c - side + 1);
            int i1 = transposed ? Math.min(size, side - y + c) : Math.min(size, y + c + 1);
            for (int x = 0; x < side; x++) {
                int j0 = transposed ? Math.max(0, c - x) : Math.max(0, x + c - side + 1);
                int j1 = transposed ? Math.min(size, side - x + c) : Math.min(size, x + c + 1);
                double s = 0;
                for (int i = i0; i < i1; i++) {
                    int row = (transposed ? y + i - c : y - i + c) * side;
                    int at = i * size;
                    if (transposed) {
                        for (int j = j0; j < j1; j++) {
                            s += k[at + j] * image[row + x + j - c];
                        }
                    } else {
                        for (int j = j0; j < j1; j++) {
                            s += k[at + j] * image[row + x - j + c];
                        }
                    }
                }
                out[y * side + x] = s;
            }
        }
        return out;
    }
}
