package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.GradCheck;
import dev.vecgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * {@link GradCheck} for a module: the gradients of L = sum(w * module(x)) (w fixed random
 * weights) with respect to the input and to every parameter, from one backward pass, against
 * central differences that perturb each element in place. The module and input must be
 * float64; dropout must be off (eval mode, or p = 0). Tolerances are GradCheck's.
 */
public final class ModuleGradCheck {

    private ModuleGradCheck() {}

    /**
     * @throws AssertionError naming the tensor (input or parameter name), the element, both values and the error
     */
    public static void check(Module module, Tensor input) {
        check(module, x -> module.forward(x[0]), input);
    }

    /**
     * The same for a module with several inputs or a state: {@code forward} computes its output
     * from the inputs (e.g. {@code x -> lstm.forward(x[0], new State(x[1], x[2])).output()});
     * gradients are checked for every input and every parameter.
     *
     * @throws IllegalArgumentException if an input is not float64
     * @throws AssertionError naming the tensor ("input k" or the parameter's name), the element, both values and the error
     */
    public static void check(Module module, Function<Tensor[], Tensor> forward, Tensor... inputs) {
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        Tensor[] xs = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k].dtype() != DType.F64) {
                throw new IllegalArgumentException("ModuleGradCheck: input " + k + " is " + inputs[k].dtype().torchName()
                        + ", use float64");
            }
            xs[k] = inputs[k].detach().mul(1.0).requiresGrad(true);
            names.add(inputs.length == 1 ? "input" : "input " + k);
            tensors.add(xs[k]);
        }
        module.namedParameters().forEach((name, p) -> {
            names.add(name);
            tensors.add(p);
        });
        Tensor y = forward.apply(xs);
        Tensor w = weights(y.numel(), y.shape());
        module.zeroGrad();
        y.mul(w).sum().backward();
        for (int k = 0; k < tensors.size(); k++) {
            Tensor t = tensors.get(k);
            double[] analytic = t.grad() == null ? new double[t.numel()] : t.grad().toDoubleArray();
            double[] data = t.doubleData();
            int off = t.dataOffset();
            for (int i = 0; i < t.numel(); i++) {
                double saved = data[off + i];
                data[off + i] = saved + GradCheck.EPS;
                double plus = loss(forward, xs, w);
                data[off + i] = saved - GradCheck.EPS;
                double minus = loss(forward, xs, w);
                data[off + i] = saved;
                double numeric = (plus - minus) / (2 * GradCheck.EPS);
                double err = Math.abs(analytic[i] - numeric);
                if (!(err <= GradCheck.ATOL + GradCheck.RTOL * Math.abs(numeric))) {
                    throw new AssertionError(String.format("ModuleGradCheck: %s %s element %d: analytic %.10g, numeric %.10g, error %.3g",
                            names.get(k), Arrays.toString(t.shape()), i, analytic[i], numeric, err));
                }
            }
        }
    }

    private static double loss(Function<Tensor[], Tensor> forward, Tensor[] xs, Tensor w) {
        try (var g = Grad.disabled()) {
            return forward.apply(xs).mul(w).sum().item();
        }
    }

    private static Tensor weights(int n, int[] shape) {
        Random r = new Random(1234);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = r.nextDouble() * 2 - 1;
        }
        return Tensor.of(w, shape);
    }
}
