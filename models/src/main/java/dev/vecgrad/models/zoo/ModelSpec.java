package dev.vecgrad.models.zoo;

import dev.vecgrad.models.Module;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Enough to rebuild a zoo model: its kind and layer widths, and for an MLP the activations.
 * Saved in a checkpoint's metadata ({@code vecgrad.model}, {@code vecgrad.sizes},
 * {@code vecgrad.activation}, {@code vecgrad.output}) so that {@code predict} needs nothing
 * but the file.
 *
 * @param kind mlp, softmax, linreg, adaline, perceptron or cnn
 * @param sizes layer widths: mlp input..output; softmax and linreg [inputs, outputs]; adaline and perceptron [inputs];
 *        cnn [image side, channels 1, channels 2, hidden, classes]
 * @param activation mlp hidden activation (relu, leaky_relu, sigmoid, tanh, gelu); "none" otherwise
 * @param output mlp output activation (none, sigmoid, log_softmax); "none" otherwise
 * @param dropout mlp dropout probability after each hidden activation (0: none); saved as {@code vecgrad.dropout}
 * @param batchNorm mlp BatchNorm1d after each hidden Linear, before the activation; saved as {@code vecgrad.batchnorm}
 */
public record ModelSpec(String kind, int[] sizes, String activation, String output, double dropout, boolean batchNorm) {

    public ModelSpec(String kind, int[] sizes, String activation, String output) {
        this(kind, sizes, activation, output, 0, false);
    }

    public ModelSpec(String kind, int[] sizes, String activation, String output, double dropout) {
        this(kind, sizes, activation, output, dropout, false);
    }

    public ModelSpec {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(kind + ": dropout must be in [0, 1), got " + dropout);
        }
        if ((dropout > 0 || batchNorm) && !kind.equals("mlp")) {
            throw new IllegalArgumentException(kind + ": dropout and batch norm are options of the mlp only");
        }
        sizes = sizes.clone();
        int want = switch (kind) {
            case "mlp" -> -1;
            case "softmax", "linreg" -> 2;
            case "adaline", "perceptron" -> 1;
            case "cnn" -> 5;
            default -> throw new IllegalArgumentException("unknown model kind '" + kind
                    + "' (mlp, softmax, linreg, adaline, perceptron, cnn)");
        };
        if ((want > 0 && sizes.length != want) || (want < 0 && sizes.length < 2)) {
            throw new IllegalArgumentException(kind + ": " + (want < 0 ? "at least 2" : Integer.toString(want))
                    + " layer widths expected, got " + Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException(kind + ": layer widths must be >= 1, got " + Arrays.toString(sizes));
            }
        }
    }

    /**
     * The number of parameters {@link #build} would create, computed from the sizes alone, so that
     * sizes read from a file can be checked against the file before anything is allocated;
     * {@link Long#MAX_VALUE} when the count overflows a long.
     */
    public long parameterCount() {
        try {
            return switch (kind) {
                case "adaline", "perceptron" -> sizes[0] + 1L;
                case "cnn" -> {
                    long c1 = sizes[1], c2 = sizes[2], hidden = sizes[3], classes = sizes[4];
                    long flat = Math.multiplyExact(c2, (long) (sizes[0] / 4) * (sizes[0] / 4));
                    yield Math.addExact(Math.addExact(c1 * 9 + c1, Math.multiplyExact(c2 * 9, c1) + c2),
                            Math.addExact(Math.multiplyExact(flat, hidden) + hidden, hidden * classes + classes));
                }
                default -> { // mlp, softmax, linreg: one Linear per pair of widths (and a BatchNorm1d's weight and bias per hidden one)
                    long n = 0;
                    for (int i = 0; i + 1 < sizes.length; i++) {
                        n = Math.addExact(n, (long) sizes[i] * sizes[i + 1] + sizes[i + 1]);
                        if (batchNorm && i + 2 < sizes.length) {
                            n = Math.addExact(n, 2L * sizes[i + 1]);
                        }
                    }
                    yield n;
                }
            };
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    public static ModelSpec mlp(int[] sizes, String activation, String output) {
        return new ModelSpec("mlp", sizes, activation, output);
    }

    /** An MLP with dropout {@code p} after each hidden activation, as nn.Dropout in the notes' nn.Sequential. */
    public static ModelSpec mlp(int[] sizes, String activation, String output, double dropout) {
        return new ModelSpec("mlp", sizes, activation, output, dropout);
    }

    /** As above, with BatchNorm1d after each hidden Linear when {@code batchNorm}. */
    public static ModelSpec mlp(int[] sizes, String activation, String output, double dropout, boolean batchNorm) {
        return new ModelSpec("mlp", sizes, activation, output, dropout, batchNorm);
    }

    /**
     * Every element {@link #build} saves in a checkpoint: the parameters and, with batch norm,
     * each BatchNorm1d's running mean and variance; {@link Long#MAX_VALUE} on overflow.
     */
    public long stateCount() {
        long n = parameterCount();
        if (!batchNorm || n == Long.MAX_VALUE) {
            return n;
        }
        long hidden = 0;
        for (int i = 1; i + 1 < sizes.length; i++) {
            hidden += sizes[i];
        }
        return n + 2 * hidden;
    }

    public static ModelSpec of(String kind, int... sizes) {
        return new ModelSpec(kind, sizes, "none", "none");
    }

    /** The number of input features the model takes (a CNN's image side squared). */
    public int inputs() {
        return kind.equals("cnn") ? sizes[0] * sizes[0] : sizes[0];
    }

    /** A fresh model with initial weights drawn from {@code rng}. */
    public Module build(Random rng) {
        return switch (kind) {
            case "mlp" -> new Mlp(sizes, activation, output, dropout, batchNorm, rng);
            case "softmax" -> new Mlp(sizes, "relu", "none", rng);
            case "linreg" -> LinearRegression.model(sizes[0], sizes[1], rng);
            case "adaline" -> new Adaline(sizes[0], rng);
            case "cnn" -> new Cnn(sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], rng);
            default -> new Perceptron(sizes[0], 0.1, rng);
        };
    }

    /** The metadata entries that describe this spec. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vecgrad.model", kind);
        m.put("vecgrad.sizes", String.join(",", Arrays.stream(sizes).mapToObj(Integer::toString).toList()));
        m.put("vecgrad.activation", activation);
        m.put("vecgrad.output", output);
        if (dropout > 0) {
            m.put("vecgrad.dropout", Double.toString(dropout));
        }
        if (batchNorm) {
            m.put("vecgrad.batchnorm", "true");
        }
        return m;
    }

    /**
     * The spec a checkpoint's metadata describes.
     *
     * @throws IllegalArgumentException naming the missing or malformed entry
     */
    public static ModelSpec fromMetadata(Map<String, String> metadata) {
        String kind = metadata.get("vecgrad.model");
        String sizes = metadata.get("vecgrad.sizes");
        if (kind == null || sizes == null) {
            throw new IllegalArgumentException("no vecgrad.model / vecgrad.sizes in the metadata: not a checkpoint saved by vecgrad train");
        }
        int[] s;
        try {
            s = Arrays.stream(sizes.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("vecgrad.sizes '" + sizes + "' is not a list of integers");
        }
        double dropout;
        try {
            dropout = Double.parseDouble(metadata.getOrDefault("vecgrad.dropout", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("vecgrad.dropout '" + metadata.get("vecgrad.dropout") + "' is not a number");
        }
        return new ModelSpec(kind, s, metadata.getOrDefault("vecgrad.activation", "none"),
                metadata.getOrDefault("vecgrad.output", "none"), dropout, "true".equals(metadata.get("vecgrad.batchnorm")));
    }

    @Override
    public String toString() {
        String w = String.join("-", Arrays.stream(sizes).mapToObj(Integer::toString).toList());
        return kind + " " + w + (kind.equals("mlp") ? " " + activation + (output.equals("none") ? "" : " -> " + output)
                + (batchNorm ? " batchnorm" : "") + (dropout > 0 ? " dropout " + dropout : "") : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && kind.equals(m.kind) && Arrays.equals(sizes, m.sizes)
                && activation.equals(m.activation) && output.equals(m.output) && dropout == m.dropout && batchNorm == m.batchNorm;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(sizes);
    }
}
