package dev.vecgrad.app.deblur;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The blur kernels, the classical restorations given the kernel, and the quality measures. */
class DeblurTest {

    private static final int SIDE = 28;

    /** A synthetic image: a bright rectangle and a disc on black, as Fashion-MNIST's items on their black ground. */
    private static double[] image(Random rng) {
        double[] x = new double[SIDE * SIDE];
        int x0 = 4 + rng.nextInt(6);
        int y0 = 4 + rng.nextInt(6);
        for (int y = y0; y < y0 + 10; y++) {
            for (int c = x0; c < x0 + 12; c++) {
                x[y * SIDE + c] = 0.8;
            }
        }
        int cy = 18 + rng.nextInt(4);
        int cx = 16 + rng.nextInt(4);
        for (int y = 0; y < SIDE; y++) {
            for (int c = 0; c < SIDE; c++) {
                if ((y - cy) * (y - cy) + (c - cx) * (c - cx) < 16) {
                    x[y * SIDE + c] = 0.5;
                }
            }
        }
        return x;
    }

    @Test
    void kernelsAreNormalizedNonNegativeAndOfTheirKind() {
        Random rng = new Random(1);
        for (int i = 0; i < 30; i++) {
            double[] k = Blur.random(rng);
            assertEquals(1, Arrays.stream(k).sum(), 1e-12);
            assertTrue(Arrays.stream(k).allMatch(v -> v >= 0));
        }
        double[] m = Blur.motion(7, 0);
        int c = Blur.K / 2;
        double row = 0;
        for (int j = 0; j < Blur.K; j++) {
            row += m[c * Blur.K + j];
        }
        assertEquals(1, row, 1e-9, "a horizontal motion blur lies on the middle row");
        double[] identity = new double[Blur.K * Blur.K];
        identity[c * Blur.K + c] = 1;
        double[] x = image(rng);
        assertEquals(Arrays.toString(x), Arrays.toString(Blur.convolve(x, SIDE, identity, false)), "a delta kernel changes nothing");
    }

    @Test
    void kernelsOfOtherSizesScaleTheirWidthsAndNineIsTheDefault() {
        Random a = new Random(3);
        Random b = new Random(3);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(Blur.random(a), Blur.random(b, Blur.K), "size K draws the default kernels");
        }
        Random rng = new Random(4);
        for (int size : new int[] {3, 5, 15, 27}) {
            for (int i = 0; i < 12; i++) {
                Blur.Kernel k = Blur.randomKernel(rng, size);
                assertEquals(size * size, k.weights().length, k.kind());
                assertEquals(size, Blur.size(k.weights()));
                assertEquals(1, Arrays.stream(k.weights()).sum(), 1e-12, k.kind() + " " + size);
                assertTrue(Arrays.stream(k.weights()).allMatch(v -> v >= 0), k.kind() + " " + size);
            }
        }
        // a wider kernel spreads further: the mass outside the central 3x3 grows with the size (a Gaussian's sigma scales)
        double[] small = Blur.gaussian(5, 1.0 * 5 / Blur.K);
        double[] large = Blur.gaussian(15, 1.0 * 15 / Blur.K);
        assertTrue(outsideCentre(large, 15) > outsideCentre(small, 5) + 0.3, outsideCentre(large, 15) + " vs " + outsideCentre(small, 5));
        // every method takes the kernel's size from its length: given a 5x5 or a 15x15 kernel, each restores a
        // border-touching image better than its blurred input
        for (double[] k : List.of(Blur.disc(5, 2), Blur.gaussian(15, 2.5), Blur.motion(15, 13, 0.3))) {
            double[] x = borderImage(rng);
            double[] y = Blur.convolve(x, SIDE, k, false);
            for (int i = 0; i < y.length; i++) {
                y[i] += 0.01 * rng.nextGaussian();
            }
            double blurred = Quality.psnr(y, x);
            int size = Blur.size(k);
            assertTrue(Quality.psnr(Classical.wiener(y, SIDE, k, 3e-2), x) > blurred + 0.5, size + ": Wiener gains over " + blurred);
            assertTrue(Quality.psnr(Classical.richardsonLucy(y, SIDE, k, 40), x) > blurred + 1, size + ": R-L gains over " + blurred);
            assertTrue(Quality.psnr(Classical.totalVariation(y, SIDE, k, 0.0005, 200), x) > blurred + 1, size + ": TV gains over " + blurred);
        }
        assertThrows(IllegalArgumentException.class, () -> Blur.size(new double[24]));
        assertThrows(IllegalArgumentException.class, () -> Blur.randomKernel(rng, 4));
        assertThrows(IllegalArgumentException.class, () -> Blur.randomKernel(rng, 1));
    }

    @Test
    void convolutionIsTheDirectSumWithZerosOutside() {
        Random rng = new Random(6);
        for (int size : new int[] {3, 9, 27}) {
            double[] k = new double[size * size];
            for (int i = 0; i < k.length; i++) {
                k[i] = rng.nextDouble();
            }
            double[] x = image(rng);
            for (boolean transposed : new boolean[] {false, true}) {
                double[] expected = new double[SIDE * SIDE];
                int c = size / 2;
                for (int y = 0; y < SIDE; y++) {
                    for (int q = 0; q < SIDE; q++) {
                        double s = 0;
                        for (int i = 0; i < size; i++) {
                            for (int j = 0; j < size; j++) {
                                int yy = transposed ? y + i - c : y - i + c;
                                int xx = transposed ? q + j - c : q - j + c;
                                if (yy >= 0 && yy < SIDE && xx >= 0 && xx < SIDE) {
                                    s += k[i * size + j] * x[yy * SIDE + xx];
                                }
                            }
                        }
                        expected[y * SIDE + q] = s;
                    }
                }
                assertArrayEquals(expected, Blur.convolve(x, SIDE, k, transposed), 0, size + (transposed ? " transposed" : ""));
            }
        }
    }

    private static double outsideCentre(double[] k, int size) {
        double inside = 0;
        int c = size / 2;
        for (int i = c - 1; i <= c + 1; i++) {
            for (int j = c - 1; j <= c + 1; j++) {
                inside += k[i * size + j];
            }
        }
        return 1 - inside;
    }

    /**
     * An image that touches the border, as Fashion-MNIST's do: a bright garment-like block that
     * runs off two edges, a ramp along the top rows, and a disc.
     */
    private static double[] borderImage(Random rng) {
        double[] x = image(rng);
        int x0 = rng.nextInt(3);
        for (int y = 14 + rng.nextInt(4); y < SIDE; y++) {
            for (int c = x0; c < x0 + 11; c++) {
                x[y * SIDE + c] = 0.9;
            }
        }
        for (int y = 0; y < 3; y++) {
            for (int c = 0; c < SIDE; c++) {
                x[y * SIDE + c] = Math.max(x[y * SIDE + c], 0.3 + 0.02 * c);
            }
        }
        return x;
    }

    @Test
    void givenTheKernelEveryBaselineRestoresBetterThanTheBlurredImageOnBorderTouchingImages() {
        Random rng = new Random(2);
        double sigma = 0.01;
        for (double[] k : List.of(Blur.gaussian(1.5), Blur.disc(2.5), Blur.motion(7, 0.6))) {
            double[] x = borderImage(rng);
            double[] y = Blur.convolve(x, SIDE, k, false);
            for (int i = 0; i < y.length; i++) {
                y[i] += sigma * rng.nextGaussian();
            }
            double blurred = Quality.psnr(y, x);
            assertTrue(Quality.psnr(Classical.wiener(y, SIDE, k, 3e-2), x) > blurred + 0.5, "Wiener gains over " + blurred);
            assertTrue(Quality.psnr(Classical.richardsonLucy(y, SIDE, k, 40), x) > blurred + 2, "R-L gains over " + blurred);
            assertTrue(Quality.psnr(Classical.totalVariation(y, SIDE, k, 0.0005, 200), x) > blurred + 2, "TV gains over " + blurred);
        }
    }

    /**
     * Without k^T 1 in its update, Richardson-Lucy shrinks the pixels near the border at every
     * iteration, so that on a noise-free border-touching image it peaks after a few iterations
     * and then gets worse: the bug this test was written for.
     */
    @Test
    void richardsonLucyKeepsImprovingOnANoiseFreeBorderTouchingImage() {
        Random rng = new Random(4);
        for (double[] k : List.of(Blur.gaussian(1.5), Blur.disc(2.5), Blur.motion(7, 0.6))) {
            double[] x = borderImage(rng);
            double[] y = Blur.convolve(x, SIDE, k, false);
            double[][] r = Classical.richardsonLucy(y, SIDE, k, new int[] {5, 40, 160});
            double p5 = Quality.psnr(r[0], x);
            double p40 = Quality.psnr(r[1], x);
            double p160 = Quality.psnr(r[2], x);
            assertTrue(p40 > p5 + 1 && p160 > p40, "PSNR after 5, 40, 160 iterations: " + p5 + ", " + p40 + ", " + p160);
        }
        // a constant image is a fixed point of the normalised update, borders included
        double[] ones = new double[SIDE * SIDE];
        Arrays.fill(ones, 1);
        double[] k = Blur.disc(3);
        double[] restored = Classical.richardsonLucy(Blur.convolve(ones, SIDE, k, false), SIDE, k, 200);
        double sum = 0;
        for (int i = 0; i < restored.length; i++) {
            assertTrue(restored[i] > 0.85, "pixel " + i + " kept near 1 (without k^T 1 it would shrink): " + restored[i]);
            sum += restored[i];
        }
        assertTrue(sum / restored.length > 0.97, "mean " + sum / restored.length);
    }

    @Test
    void totalVariationStaysInTheBoxAndBadSettingsAreRefused() {
        Random rng = new Random(5);
        double[] y = Blur.convolve(borderImage(rng), SIDE, Blur.motion(7, 0.2), false);
        for (int i = 0; i < y.length; i++) {
            y[i] += 0.05 * rng.nextGaussian();
        }
        for (double v : Classical.totalVariation(y, SIDE, Blur.motion(7, 0.2), 0.01, 50)) {
            assertTrue(v >= 0 && v <= 1, "in [0, 1]: " + v);
        }
        assertArrayEquals(Classical.totalVariation(y, SIDE, Blur.motion(7, 0.2), 0.01, 0), Quality.clip(y), 0.0, "0 iterations: y");
        assertThrows(IllegalArgumentException.class, () -> Classical.wiener(y, SIDE, Blur.disc(2), 0));
        assertThrows(IllegalArgumentException.class, () -> Classical.totalVariation(y, SIDE, Blur.disc(2), -1, 10));
    }

    @Test
    void oneRichardsonLucyRunGivesTheEstimateOfEachShorterRun() {
        Random rng = new Random(3);
        double[] k = Blur.motion(5, 0.3);
        double[] y = Blur.convolve(image(rng), SIDE, k, false);
        int[] stops = {0, 3, 3, 8};
        double[][] all = Classical.richardsonLucy(y, SIDE, k, stops);
        for (int s = 0; s < stops.length; s++) {
            assertArrayEquals(Classical.richardsonLucy(y, SIDE, k, stops[s]), all[s], 0.0, stops[s] + " iterations");
        }
        assertThrows(IllegalArgumentException.class, () -> Classical.richardsonLucy(y, SIDE, k, new int[] {5, 2}));
    }

    @Test
    void psnrAndSsimBehave() {
        double[] x = image(new Random(3));
        assertEquals(1, Quality.ssim(x, x, SIDE), 1e-12, "an image is fully similar to itself");
        double[] noisy = x.clone();
        noisy[100] += 0.1;
        assertEquals(10 * Math.log10(784 / 0.01), Quality.psnr(noisy, x), 1e-9, "one pixel off by 0.1");
        assertTrue(Quality.ssim(Blur.convolve(x, SIDE, Blur.gaussian(2), false), x, SIDE) < 0.95);
    }
}
