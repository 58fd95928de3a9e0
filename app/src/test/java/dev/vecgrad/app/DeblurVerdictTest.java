package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** deblur's one-line verdicts say "beats" only when the paired interval of the PSNR difference is above zero. */
class DeblurVerdictTest {

    private static final String[] METHODS = {"TV (given the kernel)", "network (blind)"};

    @Test
    void aSmallMeanLeadInsideTheNoiseIsATie() {
        String v = DeblurCommand.verdict(METHODS, psnr(25.49, 25.51, 3.0), ssim(0.8718, 0.8726));
        assertTrue(v.startsWith("the blind network does not beat TV, the best classical method given the kernel:"), v);
        assertTrue(v.endsWith(" SSIM; a tie in PSNR"), v);
        assertTrue(v.contains("+0.02 dB PSNR [95% interval -"), v);
    }

    @Test
    void aClearLeadBeatsAndAClearDeficitDoesNot() {
        assertTrue(DeblurCommand.verdict(METHODS, psnr(24.0, 25.0, 1.0), ssim(0.85, 0.87)).startsWith("the blind network beats TV"));
        String worse = DeblurCommand.verdict(METHODS, psnr(25.0, 24.0, 1.0), ssim(0.87, 0.85));
        assertTrue(worse.startsWith("the blind network does not beat TV, the best classical method given the kernel:"), worse);
        assertTrue(!worse.contains("tie"), worse);
        // higher PSNR but lower SSIM is no win
        assertTrue(DeblurCommand.verdict(METHODS, psnr(24.0, 25.0, 1.0), ssim(0.87, 0.85))
                .startsWith("the blind network does not beat TV"));
    }

    /** 1000 images per method: the classical one around a, the network b plus per-image noise of the given spread. */
    private static double[][] psnr(double a, double b, double spread) {
        Random rng = new Random(5);
        double[][] p = new double[2][1000];
        for (int i = 0; i < 1000; i++) {
            double base = a + 2 * rng.nextGaussian();
            p[0][i] = base;
            p[1][i] = base + (b - a) + spread * rng.nextGaussian();
        }
        // exact means, so the test reads as its numbers say
        shift(p[0], a);
        shift(p[1], b);
        return p;
    }

    private static void shift(double[] v, double mean) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        double d = mean - s / v.length;
        for (int i = 0; i < v.length; i++) {
            v[i] += d;
        }
    }

    private static double[][] ssim(double a, double b) {
        double[][] s = new double[2][1000];
        java.util.Arrays.fill(s[0], a);
        java.util.Arrays.fill(s[1], b);
        return s;
    }
}
