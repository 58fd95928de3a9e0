package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.GradCheck;
import dev.vecgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

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
        if (input.dtype() != DType.F64) {
            throw new IllegalArgumentException("ModuleGradCheck: the input is " + input.dtype().torchName() + ", use float64");
        }
        Tensor x = input.detach().mul(1.0).requiresGrad(true);
        List<String> names = new ArrayList<>(List.of("input"));
        List<Tensor> tensors = new ArrayList<>(List.of(x));
        module.namedParameters().forEach((name, p) -> {
            names.add(name);
            tensors.add(p);
        });
        Tensor y = module.forward(x);
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
                double plus = loss(module, x, w);
                data[off + i] = saved - GradCheck.EPS;
                double minus = loss(module, x, w);
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

    private static double loss(Module module, Tensor x, Tensor w) {
        try (var g = Grad.disabled()) {
            return module.forward(x).mul(w).sum().item();
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
