package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.Dataset;
import java.util.Arrays;
import java.util.Random;

/**
 * Rosenblatt's perceptron as in the notes: weights drawn from N(0, 1), bias 0, output
 * step(x . w + b) (1 when the sum is > 0, else 0), and its own learning rule, sample by sample:
 * {@code w += lr (y - prediction) x; b += lr (y - prediction)}. The step has no useful
 * derivative, so no optimizer is involved. It converges exactly when the classes are linearly
 * separable: AND and OR, not XOR.
 */
public final class Perceptron extends Module {

    /** [1, inputs], as a Linear layer's weight. */
    public final Tensor weight;
    /** [1]. */
    public final Tensor bias;
    private final int inputs;
    private final double learningRate;

    public Perceptron(int inputs, double learningRate, Random rng) {
        if (inputs < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("Perceptron: need inputs >= 1 and a learning rate > 0, got " + inputs + ", "
                    + learningRate);
        }
        this.inputs = inputs;
        this.learningRate = learningRate;
        this.weight = registerParameter("weight", Tensor.randn(rng, DType.F32, 1, inputs));
        this.bias = registerParameter("bias", Tensor.zeros(DType.F32, 1));
    }

    public int inputs() {
        return inputs;
    }

    /** 0/1 predictions [B, 1] for inputs [B, inputs]. */
    @Override
    public Tensor forward(Tensor x) {
        float[] v = x.contiguous().to(DType.F32).toFloatArray();
        if (x.dim() != 2 || x.size(1) != inputs) {
            throw new IllegalArgumentException("Perceptron(" + inputs + "): input shape " + Arrays.toString(x.shape())
                    + ", expected [B, " + inputs + "]");
        }
        int b = x.size(0);
        float[] out = new float[b];
        for (int i = 0; i < b; i++) {
            out[i] = predict(v, i * inputs);
        }
        return Tensor.fromArray(out, b, 1);
    }

    private int predict(float[] x, int off) {
        float[] w = weight.floatData();
        int wo = weight.dataOffset();
        double z = bias.floatData()[bias.dataOffset()];
        for (int j = 0; j < inputs; j++) {
            z += w[wo + j] * x[off + j];
        }
        return z > 0 ? 1 : 0;
    }

    /**
     * The outcome of {@link #train}: whether an epoch passed without a mistake, after how many
     * epochs, and the number of mistakes in each epoch.
     */
    public record Result(boolean converged, int epochs, int[] mistakesPerEpoch) {
        @Override
        public String toString() {
            return converged ? "converged after " + epochs + " epoch(s)"
                    : "did not converge in " + epochs + " epochs (" + mistakesPerEpoch[epochs - 1]
                            + " mistake(s) in the last): the classes are not linearly separable, or more epochs are needed";
        }
    }

    /**
     * Runs the perceptron rule over {@code data} in order, one sample at a time, until an
     * epoch makes no mistake or {@code maxEpochs} have run.
     *
     * @throws IllegalArgumentException unless data is a 2-class dataset with {@link #inputs()} features
     */
    public Result train(Dataset data, int maxEpochs) {
        if (!data.isClassification() || data.numClasses() != 2 || data.features() != inputs) {
            throw new IllegalArgumentException("Perceptron(" + inputs + ") learns 2-class data with " + inputs
                    + " features, got " + data);
        }
        float[] x = data.x().toFloatArray();
        int[] y = data.labels();
        float[] w = weight.floatData();
        int wo = weight.dataOffset();
        float[] b = bias.floatData();
        int bo = bias.dataOffset();
        int[] mistakes = new int[maxEpochs];
        for (int epoch = 0; epoch < maxEpochs; epoch++) {
            for (int i = 0; i < y.length; i++) {
                int error = y[i] - predict(x, i * inputs);
                if (error != 0) {
                    mistakes[epoch]++;
                    for (int j = 0; j < inputs; j++) {
                        w[wo + j] += (float) (learningRate * error * x[i * inputs + j]);
                    }
                    b[bo] += (float) (learningRate * error);
                }
            }
            if (mistakes[epoch] == 0) {
                return new Result(true, epoch + 1, Arrays.copyOf(mistakes, epoch + 1));
            }
        }
        return new Result(false, maxEpochs, mistakes);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inputs;
    }
}
