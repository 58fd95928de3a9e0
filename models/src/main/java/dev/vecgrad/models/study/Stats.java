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

    /** Student's t 97.5% quantile for df degrees of freedom (df rounded down; 1.96 past 120). */
    public static double tQuantile975(double df) {
        double[] table = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
            2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
            2.045, 2.042};
        int d = (int) Math.floor(df);
        if (d < 1) {
            return table[1];
        }
        if (d <= 30) {
            return table[d];
        }
        return d <= 60 ? 2.000 : d <= 120 ? 1.980 : 1.960;
    }
}
