package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;
import java.util.Random;

/**
 * Weight initializers, in place and seeded through the {@link Random} passed in (so runs
 * repeat), with PyTorch's formulas ({@code torch.nn.init}). Fan-in / fan-out of a 2-D weight
 * [out, in] are in and out.
 */
public final class Init {

    private Init() {}

    /** Uniform in [-bound, bound]. */
    public static Tensor uniform(Tensor t, double bound, Random rng) {
        return fill(t, () -> (rng.nextDouble() * 2 - 1) * bound);
    }

    /** Normal with mean 0 and standard deviation sigma. */
    public static Tensor normal(Tensor t, double sigma, Random rng) {
        return fill(t, () -> rng.nextGaussian() * sigma);
    }

    public static Tensor zeros(Tensor t) {
        return fill(t, () -> 0);
    }

    public static Tensor constant(Tensor t, double value) {
        return fill(t, () -> value);
    }

    /** Xavier/Glorot uniform: bound = gain sqrt(6 / (fanIn + fanOut)). */
    public static Tensor xavierUniform(Tensor t, double gain, Random rng) {
        int[] f = fans(t);
        return uniform(t, gain * Math.sqrt(6.0 / (f[0] + f[1])), rng);
    }

    /** Xavier/Glorot normal: sigma = gain sqrt(2 / (fanIn + fanOut)). */
    public static Tensor xavierNormal(Tensor t, double gain, Random rng) {
        int[] f = fans(t);
        return normal(t, gain * Math.sqrt(2.0 / (f[0] + f[1])), rng);
    }

    /** He/Kaiming uniform for ReLU (fan-in mode): bound = sqrt(6 / fanIn). */
    public static Tensor kaimingUniform(Tensor t, Random rng) {
        return kaimingUniform(t, 0, rng);
    }

    /** He/Kaiming uniform for leaky ReLU slope a: bound = sqrt(6 / ((1 + a^2) fanIn)). */
    public static Tensor kaimingUniform(Tensor t, double a, Random rng) {
        return uniform(t, Math.sqrt(6.0 / ((1 + a * a) * fans(t)[0])), rng);
    }

    /** He/Kaiming normal for ReLU (fan-in mode): sigma = sqrt(2 / fanIn). */
    public static Tensor kaimingNormal(Tensor t, Random rng) {
        return normal(t, Math.sqrt(2.0 / fans(t)[0]), rng);
    }

    /** (fanIn, fanOut) of a weight: [out, in, ...receptive field], 1-D: (n, n). */
    static int[] fans(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) {
            int n = s.length == 0 ? 1 : s[0];
            return new int[] {n, n};
        }
        int receptive = 1;
        for (int k = 2; k < s.length; k++) {
            receptive *= s[k];
        }
        return new int[] {s[1] * receptive, s[0] * receptive};
    }

    private static Tensor fill(Tensor t, java.util.function.DoubleSupplier value) {
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = value.getAsDouble();
        }
        return t.copyFrom(Tensor.of(v, t.shape()));
    }
}
