package dev.vecgrad.app.deblur;

import java.util.Random;

/**
 * Blur kernels of three kinds (Gaussian of random width, motion of random length and angle,
 * defocus disc of random radius), each K x K, non-negative, summing to 1, and blurring by
 * 'same'-size convolution with zeros outside the image (Fashion-MNIST's borders are black).
 */
public final class Blur {

    public static final int K = 9;

    private Blur() {}

    /** A kernel drawn from rng: one of the three kinds, its parameters uniform in their ranges. */
    public static double[] random(Random rng) {
        return randomKernel(rng).weights();
    }

    /** The three kinds of kernel, in the order {@link #randomKernel} draws them. */
    public static final java.util.List<String> KINDS = java.util.List.of("gaussian", "motion", "disc");

    /** A kernel and its kind (one of {@link #KINDS}). */
    public record Kernel(String kind, double[] weights) {}

    /** As {@link #random}, with the kind it drew (the same draws from rng). */
    public static Kernel randomKernel(Random rng) {
        int kind = rng.nextInt(3);
        double[] k = switch (kind) {
            case 0 -> gaussian(0.8 + 1.2 * rng.nextDouble());
            case 1 -> motion(3 + 6 * rng.nextDouble(), Math.PI * rng.nextDouble());
            default -> disc(1 + 2.5 * rng.nextDouble());
        };
        return new Kernel(KINDS.get(kind), k);
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

    /** A line of the given length through the centre at angle theta, drawn with bilinear weights. */
    public static double[] motion(double length, double theta) {
        double[] k = new double[K * K];
        int c = K / 2;
        int samples = 64;
        for (int s = 0; s <= samples; s++) {
            double t = (s / (double) samples - 0.5) * (length - 1);
            double y = c + t * Math.sin(theta);
            double x = c + t * Math.cos(theta);
            int y0 = (int) Math.floor(y);
            int x0 = (int) Math.floor(x);
            double fy = y - y0;
            double fx = x - x0;
            add(k, y0, x0, (1 - fy) * (1 - fx));
            add(k, y0 + 1, x0, fy * (1 - fx));
            add(k, y0, x0 + 1, (1 - fy) * fx);
            add(k, y0 + 1, x0 + 1, fy * fx);
        }
        return normalize(k);
    }

    /** A uniform disc of the given radius (4 x 4 supersampled edges). */
    public static double[] disc(double radius) {
        double[] k = new double[K * K];
        int c = K / 2;
        for (int i = 0; i < K; i++) {
            for (int j = 0; j < K; j++) {
                int inside = 0;
                for (int a = 0; a < 4; a++) {
                    for (int b = 0; b < 4; b++) {
                        double y = i - c + (a + 0.5) / 4 - 0.5;
                        double x = j - c + (b + 0.5) / 4 - 0.5;
                        inside += y * y + x * x <= radius * radius ? 1 : 0;
                    }
                }
                k[i * K + j] = inside / 16.0;
            }
        }
        return normalize(k);
    }

    private static void add(double[] k, int y, int x, double w) {
        if (y >= 0 && y < K && x >= 0 && x < K) {
            k[y * K + x] += w;
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
        double[] out = new double[side * side];
        int c = K / 2;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double s = 0;
                for (int i = 0; i < K; i++) {
                    int yy = transposed ? y + i - c : y - i + c;
                    if (yy < 0 || yy >= side) {
                        continue;
                    }
                    for (int j = 0; j < K; j++) {
                        int xx = transposed ? x + j - c : x - j + c;
                        if (xx >= 0 && xx < side) {
                            s += k[i * K + j] * image[yy * side + xx];
                        }
                    }
                }
                out[y * side + x] = s;
            }
        }
        return out;
    }
}
