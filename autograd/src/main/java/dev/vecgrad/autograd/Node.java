package dev.vecgrad.autograd;

/**
 * The op that produced a tensor: its inputs, the tensors its derivative reads (saved, with
 * the version of their storage at that moment) and its derivative. {@code backward} receives
 * the gradient of the output and returns one gradient per input, or null for an input that
 * needs none; the engine adds them up (a tensor used twice gets the sum of both paths).
 */
final class Node {

    /** d(output) -> d(inputs), in the order of {@link #inputs}. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    private static final Tensor[] NONE = new Tensor[0];

    final String op;
    Tensor[] inputs;
    Backward backward;
    private Tensor[] saved;
    private int[] versions;

    Node(String op, Tensor[] inputs, Tensor[] saved, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
        this.saved = saved == null ? NONE : saved;
        this.versions = new int[this.saved.length];
        for (int i = 0; i < this.saved.length; i++) {
            versions[i] = this.saved[i].storage.version;
        }
    }

    /**
     * Throws when a saved tensor was written in place after the op saved it: its derivative
     * would read the new values and be silently wrong.
     */
    void checkSavedUnchanged() {
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].storage.version;
            if (now != versions[i]) {
                throw new IllegalStateException("backward: a tensor " + Shapes.str(saved[i].shape) + " that '" + op
                        + "' saved for its gradient was modified in place afterwards (version " + versions[i] + " -> " + now
                        + "); the gradient would be wrong. Clone it before writing, or write before the op runs");
            }
        }
    }

    /** Frees the saved tensors once the backward pass has used them (unless the graph is retained). */
    void release() {
        inputs = null;
        backward = null;
        saved = NONE;
        versions = new int[0];
    }

    boolean released() {
        return backward == null;
    }
}
