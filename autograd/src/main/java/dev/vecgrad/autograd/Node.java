package dev.vecgrad.autograd;

/**
 * The op that produced a tensor: its inputs and its derivative. {@code backward} receives the
 * gradient of the output and returns one gradient per input, or null for an input that
 * needs none; the engine adds them up (a tensor used twice gets the sum of both paths).
 */
final class Node {

    /** d(output) -> d(inputs), in the order of {@link #inputs}. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    final String op;
    Tensor[] inputs;
    Backward backward;

    Node(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** Frees the saved tensors once the backward pass has used them (unless the graph is retained). */
    void release() {
        inputs = null;
        backward = null;
    }

    boolean released() {
        return backward == null;
    }
}
