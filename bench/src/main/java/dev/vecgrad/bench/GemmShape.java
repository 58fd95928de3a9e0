package dev.vecgrad.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One benchmarked GEMM: C (m x n) = op(A) (m x k) * op(B) (k x n), with a label.
 *
 * <p>{@code training} expands the MLP's layer shapes (batch m, fan-in k, fan-out n) into the
 * products of a training step: the forward pass with the weight stored k x n (NN) and as
 * PyTorch stores it, n x k (NT); the input gradient dA = dC B^T; the weight gradient for the
 * k x n storage, dB = A^T dC (k x n); and the one a {@code Linear} layer runs for its n x k
 * storage, dW = dC^T A (n x k). A Linear layer's step is "fwd W^T", "dA" and "dW": for the
 * 10-wide last layer dW is 10 x 64 x 64, while dB is 64 x 10 x 64.
 */
record GemmShape(String label, int m, int n, int k, boolean transA, boolean transB) {

    static final int[] SQUARES = {64, 128, 256, 512, 1024, 2048};
    /** (batch, fan-in, fan-out) of the 784-128-64-10 MLP at batch 64. */
    static final int[][] LAYERS = {{64, 784, 128}, {64, 128, 64}, {64, 64, 10}};

    static List<GemmShape> parse(String spec) {
        List<GemmShape> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            switch (p) {
                case "square" -> {
                    for (int s : SQUARES) {
                        out.add(new GemmShape("square " + s, s, s, s, false, false));
                    }
                }
                case "training" -> {
                    for (int[] l : LAYERS) {
                        out.addAll(training(l[0], l[1], l[2]));
                    }
                }
                default -> out.add(explicit(p));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no shapes in '" + spec + "'");
        }
        return out;
    }

    static List<GemmShape> training(int batch, int in, int outFeatures) {
        String layer = "(" + batch + "," + in + "," + outFeatures + ")";
        return List.of(
                new GemmShape(layer + " fwd", batch, outFeatures, in, false, false),
                new GemmShape(layer + " fwd W^T", batch, outFeatures, in, false, true),
                new GemmShape(layer + " dA", batch, in, outFeatures, false, true),
                new GemmShape(layer + " dB", in, outFeatures, batch, true, false),
                new GemmShape(layer + " dW", outFeatures, in, batch, true, false));
    }

    /** {@code MxNxK} or {@code MxNxK:TT} (transpose flags for A and B, N or T). */
    static GemmShape explicit(String text) {
        String[] parts = text.split(":");
        String[] dims = parts[0].split("x");
        if (dims.length != 3 || parts.length > 2 || (parts.length == 2 && !parts[1].matches("[NTnt]{2}"))) {
            throw new IllegalArgumentException("shape '" + text + "' is not MxNxK or MxNxK:NT (e.g. 1024x1024x1024, 64x128x784:NT), "
                    + "'square' or 'training'");
        }
        try {
            int m = Integer.parseInt(dims[0]);
            int n = Integer.parseInt(dims[1]);
            int k = Integer.parseInt(dims[2]);
            if (m <= 0 || n <= 0 || k <= 0) {
                throw new IllegalArgumentException("shape '" + text + "' must have positive sizes");
            }
            String t = parts.length == 2 ? parts[1].toUpperCase() : "NN";
            return new GemmShape(text, m, n, k, t.charAt(0) == 'T', t.charAt(1) == 'T');
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shape '" + text + "' has a size that is not an integer");
        }
    }

    double flops() {
        return 2.0 * m * n * k;
    }

    /** e.g. {@code 64x128x784 NT}: C's m x n, then k, then the transpose flags. */
    String dims() {
        return m + "x" + n + "x" + k + " " + (transA ? "T" : "N") + (transB ? "T" : "N");
    }
}
