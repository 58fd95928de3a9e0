package dev.vecgrad.models.activation;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/**
 * The perceptron's step: 1 where x >= 0, else 0. Its derivative is 0 almost everywhere,
 * so gradient descent cannot train through it: the perceptron learns by its own rule.
 */
public final class Step extends Module {
    @Override
    public Tensor forward(Tensor x) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] >= 0 ? 1 : 0;
        }
        return Tensor.of(v, x.shape()).to(x.dtype());
    }
}
