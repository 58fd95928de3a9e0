package dev.vecgrad.autograd;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

/**
 * Finite-difference gradient checking, in float64, the way {@code torch.autograd.gradcheck}
 * does it: for every element x_i of every input, the central difference
 * {@code (L(x + eps e_i) - L(x - eps e_i)) / 2 eps} must match the analytic gradient within
 * {@code atol + rtol * |numeric|}. PyTorch's tolerances are the defaults: eps 1e-6, atol
 * 1e-5, rtol 1e-3. A non-scalar output y is reduced to L = sum(w * y) with fixed random
 * weights w, which checks the Jacobian along a random direction in one backward pass.
 *
 * <p>The function must be deterministic (dropout off, fixed masks) and differentiable at the
 * inputs (away from the kinks of relu, abs, max). Inputs are not modified.
 */
public final class GradCheck {

    public static final double EPS = 1e-6;
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1e-3;

    private GradCheck() {}

    /** Checks with PyTorch's default tolerances; throws {@link AssertionError} naming the first mismatch. */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, EPS, ATOL, RTOL, inputs);
    }

    /**
     * Checks with the given step and tolerances.
     *
     * @throws IllegalArgumentException if an input is not float64
     * @throws AssertionError naming the input, the element, both gradients and the error
     */
    public static void check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k].dtype != DType.F64) {
                throw new IllegalArgumentException("GradCheck: input " + k + " is " + inputs[k].dtype.torchName()
                        + "; gradients are checked in float64 (convert with to(DType.F64))");
            }
        }
        Tensor[] leaves = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            leaves[k] = Tensor.wrap(inputs[k].toDoubleArray(), inputs[k].shape.clone()).requiresGrad(true);
        }
        Tensor y = f.apply(leaves);
        if (y.dtype != DType.F64) {
            throw new IllegalArgumentException("GradCheck: the function returned " + y.dtype.torchName() + ", expected float64");
        }
        double[] w = weights(y);
        scalarize(y, w).backward();
        for (int k = 0; k < inputs.length; k++) {
            double[] x = inputs[k].toDoubleArray();
            Tensor g = leaves[k].grad();
            double[] analytic = g == null ? new double[x.length] : g.toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                double numeric = (evaluate(f, inputs, w, k, i, x[i] + eps) - evaluate(f, inputs, w, k, i, x[i] - eps)) / (2 * eps);
                double err = Math.abs(analytic[i] - numeric);
                if (!(err <= atol + rtol * Math.abs(numeric))) {
                    throw new AssertionError(String.format(
                            "GradCheck: input %d (%s) element %s (flat %d): analytic %.10g, numeric %.10g, error %.3g > atol %.1g + rtol %.1g * |numeric|",
                            k, Shapes.str(inputs[k].shape), Arrays.toString(unflatten(i, inputs[k].shape)), i, analytic[i], numeric,
                            err, atol, rtol));
                }
            }
        }
    }

    /** L(x) with element i of input k replaced by value, without recording a graph. */
    private static double evaluate(Function<Tensor[], Tensor> f, Tensor[] inputs, double[] w, int k, int i, double value) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int j = 0; j < inputs.length; j++) {
            double[] data = inputs[j].toDoubleArray();
            if (j == k) {
                data[i] = value;
            }
            xs[j] = Tensor.wrap(data, inputs[j].shape.clone());
        }
        try (var noGrad = Grad.disabled()) {
            return scalarize(f.apply(xs), w).item();
        }
    }

    /** Fixed pseudo-random weights (seed 1234) for a non-scalar output; null for a scalar. */
    private static double[] weights(Tensor y) {
        if (y.numel() == 1) {
            return null;
        }
        Random rnd = new Random(1234);
        double[] w = new double[y.numel()];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextDouble() * 2 - 1;
        }
        return w;
    }

    private static Tensor scalarize(Tensor y, double[] w) {
        if (w == null) {
            return y.reshape();
        }
        return y.mul(Tensor.wrap(w.clone(), y.shape.clone())).sum();
    }

    private static int[] unflatten(int i, int[] shape) {
        int[] idx = new int[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            idx[k] = i % shape[k];
            i /= shape[k];
        }
        return idx;
    }
}
