package dev.vecgrad.kernels;

/**
 * Coefficients of the complementary error function used by GELU, computed for vecgrad with
 * numpy (see {@code kernels/gen/erfc_fit.py}): the Taylor series of erf on |z| < 1 and a
 * Chebyshev interpolant of R(z) = exp(z^2) erfc(z) on [1, 6] in u = (z - 3.5) / 2.5.
 */
final class ErfcCoefficients {

    private ErfcCoefficients() {}

    /** Veltkamp splitters, 2^ceil(p/2) + 1 for a p-bit significand: float p = 24, double p = 53. */
    static final float FLOAT_SPLITTER = 4097f;
    static final double DOUBLE_SPLITTER = 134217729.0;

    /** erf(z) = z * sum TAYLOR[n] z^(2n): 2/sqrt(pi) (-1)^n / (n! (2n+1)), n = 0..17. */
    static final double[] TAYLOR = {
        1.1283791670955126, -0.37612638903183754, 0.11283791670955128, -0.026866170645131252,
        0.005223977625442188, -0.0008548327023450853, 0.00012055332981789665, -1.4925650358406252e-05,
        1.6462114365889248e-06, -1.6365844691234924e-07, 1.480719281587922e-08, -1.2290555301717928e-09,
        9.422759064650411e-11, -6.711366855164111e-12, 4.4632242632864775e-13, -2.7835162072109218e-14,
        1.6342614095367154e-15, -9.063970842808673e-17,
    };

    /** R(z) = sum CHEBYSHEV[k] T_k((z - 3.5) / 2.5) on [1, 6]. */
    static final double[] CHEBYSHEV = {
        0.20196598791223078, -0.14788483553398707, 0.0518822215835139, -0.017525709964867617,
        0.00572180241747829, -0.001810980302814443, 0.0005570714353929449, -0.00016689473052538991,
        4.878565911529716e-05, -1.3935932860096075e-05, 3.895514595854221e-06, -1.0668392341094908e-06,
        2.8655025796537125e-07, -7.555861122409608e-08, 1.9575863981389193e-08, -4.987110523320746e-09,
        1.2501878159845653e-09, -3.0858904837591097e-10, 7.504583192989754e-11, -1.7990946020538617e-11,
        4.254785552724076e-12, -9.931842305825144e-13, 2.301067575848321e-13, -5.2948695082501736e-14,
        1.3011889227012535e-14,
    };

    /** exp(-z^2) with z split in halves so that the rounding of z^2 is not amplified by exp. */
    static double expMinusSquare(double z) {
        double c = z * DOUBLE_SPLITTER;
        double h = c - (c - z);
        double l = z - h;
        return Math.exp(-h * h) * Math.exp(-l * (h + h + l));
    }

    /** erfc in double by the same formulas, for the scalar reference kernels. */
    static double erfc(double z) {
        double a = Math.abs(z);
        if (a < 1) {
            double t = z * z;
            double p = TAYLOR[TAYLOR.length - 1];
            for (int k = TAYLOR.length - 2; k >= 0; k--) {
                p = Math.fma(p, t, TAYLOR[k]);
            }
            return 1 - z * p;
        }
        double u = Math.min(1, (a - 3.5) * 0.4);
        double b1 = 0;
        double b2 = 0;
        for (int k = CHEBYSHEV.length - 1; k >= 1; k--) {
            double b0 = 2 * u * b1 - b2 + CHEBYSHEV[k];
            b2 = b1;
            b1 = b0;
        }
        double tail = expMinusSquare(a) * (u * b1 - b2 + CHEBYSHEV[0]);
        return z < 0 ? 2 - tail : tail;
    }
}
