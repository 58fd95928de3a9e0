package dev.vecgrad.kernels;

/**
 * Polynomials of the vector exp, log and tanh in {@link FloatSimd} / {@code DoubleSimd}, fitted for
 * vecgrad by {@code kernels/gen/exp_log_fit.py} (near-minimax Chebyshev fits in 50-digit arithmetic).
 * Built from IEEE additions, multiplications and FMAs only, these functions give the same bits
 * interpreted and compiled, which the Vector API's own EXP / LOG / TANH do not (C2 calls a vector
 * math library, the interpreter Math), so training runs repeat exactly. Coefficients ascend.
 */
final class ExpLogCoefficients {

    private ExpLogCoefficients() {}

    /** e^r = 1 + r + r^2 P(r) on |r| <= ln(2) / 2; worst relative error 1.0e-8. */
    static final double[] EXP_FLOAT = {
        0.5, 0.1666657702559799, 0.041666554662050534, 0.008363173074513711,
        0.001392617611993558,
    };

    /** e^r = 1 + r + r^2 P(r) on |r| <= ln(2) / 2; worst relative error 1.7e-17. */
    static final double[] EXP_DOUBLE = {
        0.5000000000000001, 0.16666666666666669, 0.041666666666624164, 0.008333333333330065,
        0.0013888888917196719, 0.00019841269863040545, 2.4801521322368692e-05, 2.7557268480310024e-06,
        2.7620075879983367e-07, 2.5100375832561234e-08,
    };

    /** log((1 + s) / (1 - s)) = 2 s + s^3 P(s^2) on |s| <= (sqrt 2 - 1) / (sqrt 2 + 1); worst relative error 2.7e-9. */
    static final double[] LOG_FLOAT = {
        0.6666668503957586, 0.3998878056602198, 0.2957994939197279,
    };

    /** log((1 + s) / (1 - s)) = 2 s + s^3 P(s^2) on |s| <= (sqrt 2 - 1) / (sqrt 2 + 1); worst relative error 4.5e-18. */
    static final double[] LOG_DOUBLE = {
        0.666666666666667, 0.39999999999899505, 0.28571428625975487, 0.2222221113479508,
        0.18182889125261723, 0.15331721600556042, 0.14616449685043406,
    };

    /** tanh(x) = x + x^3 P(x^2) on |x| < 0.625; worst relative error 1.7e-8. */
    static final double[] TANH_FLOAT = {
        -0.33333328944134255, 0.13332769736976327, -0.05385090957851358, 0.020997178999074752,
        -0.006096714165908197,
    };

    /** tanh(x) = x + x^3 P(x^2) on |x| < 0.625; worst relative error 4.1e-17. */
    static final double[] TANH_DOUBLE = {
        -0.3333333333333332, 0.13333333333326658, -0.05396825396139557, 0.021869488260559115,
        -0.008863229830925709, 0.0035920589774734554, -0.001455309297534642, 0.0005874372860094381,
        -0.00023077616269519857, 7.959955735264808e-05, -1.724487449484433e-05,
    };

    /** ln 2 = HI + LO, HI with 16 significant bits (float) or 42 (double), so that n HI is exact for the n exp and log meet. */
    static final float LN2_HI_FLOAT = 0.693145751953125f;
    static final float LN2_LO_FLOAT = 1.4286068203094173e-06f;
    static final double LN2_HI_DOUBLE = 0.6931471805598903;
    static final double LN2_LO_DOUBLE = 5.497923018708371e-14;

    /** Below this |x| tanh uses its polynomial, above it 1 - 2 / (e^(2|x|) + 1). */
    static final float TANH_SMALL_FLOAT = 0.625f;
    static final double TANH_SMALL_DOUBLE = 0.625;
}
