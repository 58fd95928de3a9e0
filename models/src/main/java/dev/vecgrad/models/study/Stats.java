package dev.vecgrad.models.study;

import java.util.Locale;

/**
 * Mean, sample standard deviation and count of the finite values of a sample, and the 95% Welch
 * interval of a difference of means: the statistics a study reports over seeds.
 */
public record Stats(double mean, double sd, int n) {

    /** The statistics of the finite values of {@code xs} (NaN and infinities are left out). */
    public static Stats of(double[] xs) {
        double sum = 0;
        int n = 0;
        for (double x : xs) {
            if (Double.isFinite(x)) {
                sum += x;
                n++;
            }
        }
        double mean = n == 0 ? Double.NaN : sum / n;
        double ss = 0;
        for (double x : xs) {
            if (Double.isFinite(x)) {
                ss += (x - mean) * (x - mean);
            }
        }
        return new Stats(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, n);
    }

    /** "mean ± sd" scaled and formatted with {@code pattern}; "-" without values, the mean alone with one. */
    public String format(double scale, String pattern) {
        if (Double.isNaN(mean)) {
            return "-";
        }
        return String.format(Locale.ROOT, pattern, scale * mean)
                + (Double.isNaN(sd) ? "" : String.format(Locale.ROOT, " ± " + pattern, scale * sd));
    }

    /** Difference of means a - b and its 95% Welch interval: {diff, low, high} (NaN bounds with fewer than 2 values a side). */
    public static double[] welch(Stats a, Stats b) {
        double diff = a.mean() - b.mean();
        if (a.n() < 2 || b.n() < 2) {
            return new double[] {diff, Double.NaN, Double.NaN};
        }
        double va = a.sd() * a.sd() / a.n();
        double vb = b.sd() * b.sd() / b.n();
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new double[] {diff, diff, diff};
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
        double t = tQuantile975(df);
        return new double[] {diff, diff - t * se, diff + t * se};
    }

    /**
     * Student's t 97.5% quantile at {@code df} degrees of freedom, fractional ones included (the
     * Welch interval's df is rarely whole): the t where the distribution function reaches 0.975,
     * solved by bisection on the regularized incomplete beta function, to about 1e-12. A table
     * rounded down to whole df made two seeds a side use 12.71 whatever the true df (1.0 to 2.0),
     * and its steps above 30 (2.000 up to 60, 1.980 up to 120) were narrow.
     */
    public static double tQuantile975(double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be > 0, got " + df);
        }
        if (Double.isInfinite(df)) {
            return 1.959963984540054;
        }
        // P(T > t) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2): find the t where it is 0.025
        double lo = 0;
        double hi = 1;
        while (upperTail(hi, df) > 0.025) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (upperTail(mid, df) > 0.025) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private static double upperTail(double t, double df) {
        return 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
    }

    /** I_x(a, b), by the continued fraction (modified Lentz), on the side where it converges fast. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - Math.exp(lnFront) * betaFraction(1 - x, b, a) / b;
        }
        return Math.exp(lnFront) * betaFraction(x, a, b) / a;
    }

    private static double betaFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 1000; m++) {
            for (int half = 0; half < 2; half++) {
                double num = half == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                        : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
                d = 1 + num * d;
                d = 1 / (Math.abs(d) < tiny ? tiny : d);
                c = 1 + num / c;
                c = Math.abs(c) < tiny ? tiny : c;
                h *= d * c;
            }
            // the last factor d * c is within rounding of 1: converged
            if (Math.abs(d * c - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms: about 1e-15 relative). */
    static double logGamma(double x) {
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < 9; i++) {
            sum += g[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
