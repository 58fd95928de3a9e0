package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.Sequential;
import dev.vecgrad.models.activation.GELU;
import dev.vecgrad.models.activation.LeakyReLU;
import dev.vecgrad.models.activation.ReLU;
import dev.vecgrad.models.activation.Sigmoid;
import dev.vecgrad.models.activation.Tanh;
import dev.vecgrad.models.dropout.Dropout;
import dev.vecgrad.models.linear.Flatten;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.norm.BatchNorm1d;
import java.util.Arrays;
import java.util.Random;

/**
 * A multilayer perceptron laid out as the notes' {@code RedMNIST}: a {@code flatten} then a
 * {@code stack} of Linear layers with an activation between them and an optional one at the
 * end. Parameter names are PyTorch's for that module ({@code stack.0.weight},
 * {@code stack.2.bias}, ...), so a checkpoint loads into the PyTorch class unchanged.
 *
 * <p>{@code new Mlp(new int[] {784, 128, 64, 10}, "relu", "none", rng)} is the notes'
 * Fashion-MNIST network (its LogSoftmax is in the loss: cross-entropy on logits);
 * {@code new Mlp(new int[] {2, 2, 1}, "sigmoid", "sigmoid", rng)} is their XOR network.
 */
public final class Mlp extends Module {

    private final int[] sizes;
    private final String activation;
    private final String output;
    private final Flatten flatten;
    private final Sequential stack;

    /**
     * @param sizes input width, hidden widths, output width (at least two entries, all >= 1)
     * @param activation between layers: relu, leaky_relu, sigmoid, tanh, gelu
     * @param output after the last layer: none, sigmoid, log_softmax
     */
    public Mlp(int[] sizes, String activation, String output, Random rng) {
        this(sizes, activation, output, 0, rng);
    }

    /**
     * As above, with {@code nn.Dropout(dropout)} after each hidden activation when
     * {@code dropout > 0} (its masks drawn from a generator seeded from {@code rng}): the
     * Sequential then holds Linear, activation, Dropout, Linear, ..., so the Linear layers are
     * {@code stack.0}, {@code stack.3}, ... as in the same PyTorch nn.Sequential.
     */
    public Mlp(int[] sizes, String activation, String output, double dropout, Random rng) {
        this(sizes, activation, output, dropout, false, rng);
    }

    /**
     * As above, with {@code nn.BatchNorm1d} after each hidden Linear, before its activation, when
     * {@code batchNorm}: Linear, BatchNorm1d, activation[, Dropout], Linear, ... as in PyTorch.
     */
    public Mlp(int[] sizes, String activation, String output, double dropout, boolean batchNorm, Random rng) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("Mlp: need at least an input and an output width, got " + Arrays.toString(sizes));
        }
        this.sizes = sizes.clone();
        this.activation = activation;
        this.output = output;
        this.flatten = register("flatten", new Flatten());
        this.stack = register("stack", new Sequential());
        for (int i = 0; i + 1 < sizes.length; i++) {
            stack.add(new Linear(sizes[i], sizes[i + 1], rng));
            if (i + 2 < sizes.length) {
                if (batchNorm) {
                    stack.add(new BatchNorm1d(sizes[i + 1]));
                }
                stack.add(activation(activation));
                if (dropout > 0) {
                    stack.add(new Dropout(dropout, new dev.vecgrad.models.data.Seeds.Generator(rng.nextLong())));
                }
            }
        }
        if (!output.equals("none")) {
            stack.add(output.equals("log_softmax") ? new LogSoftmax() : activation(output));
        }
    }

    /** An activation module by name. */
    static Module activation(String name) {
        return switch (name) {
            case "relu" -> new ReLU();
            case "leaky_relu" -> new LeakyReLU();
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "gelu" -> new GELU();
            default -> throw new IllegalArgumentException("unknown activation '" + name
                    + "' (relu, leaky_relu, sigmoid, tanh, gelu)");
        };
    }

    /** log softmax over the last dimension. */
    static final class LogSoftmax extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.logSoftmax(-1);
        }
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public String activationName() {
        return activation;
    }

    public String outputName() {
        return output;
    }

    @Override
    public Tensor forward(Tensor x) {
        return stack.forward(flatten.forward(x));
    }

    @Override
    protected String extraRepr() {
        return String.join("-", Arrays.stream(sizes).mapToObj(Integer::toString).toList()) + ", " + activation
                + (output.equals("none") ? "" : ", output " + output);
    }
}
