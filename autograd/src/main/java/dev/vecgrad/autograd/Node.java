package dev.vecgrad.autograd;

/**
 * The op that produced a tensor, and the {@link Context} its derivative receives: its inputs,
 * the tensors its derivative reads (saved, with the version of their storage at that moment)
 * and its derivative.
 *
 * <p>{@code backward} receives this context and the gradient of the output, and returns one
 * gradient per input, or null for an input that needs none. A gradient may have the shape of
 * the output where the op broadcast the input: the engine sums it back to the input's shape
 * ({@link Pointwise#reduceTo}), then adds up the gradients of each tensor (a tensor used twice
 * gets the sum of both paths).
 *
 * <p>The rule for derivatives: a backward reads tensors only through its context. It is a
 * lambda or method reference that captures no tensor (only constants: dimensions, scalars,
 * index arrays, dtypes), so the engine's version check covers everything it reads;
 * {@code OpCatalogTest} inspects the backward of every op in {@link OpCatalog} for captured
 * tensors.
 */
final class Node extends Context {

    /** d(output) -> d(inputs), in the order of the inputs. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Context ctx, Tensor gradOutput);
    }

    final String op;
    Backward backward;
    private int[] versions;
    /** The storage of a {@link Function}'s output (null for the library's ops): no gradient may alias it. */
    Storage forwardOutput;

    /** The node of a library op, its saved tensors known: their versions are taken now. */
    Node(String op, Tensor[] inputs, Tensor[] saved, Backward backward) {
        super(inputs, null, saved);
        this.op = op;
        this.backward = backward;
        seal();
    }

    /** The node of a {@link Function}, created before its forward saves anything; {@link #seal} follows forward. */
    Node(String op, Tensor[] inputs, boolean[] needsInputGrad, Backward backward) {
        super(inputs, needsInputGrad, null);
        this.op = op;
        this.backward = backward;
    }

    /** Ends forward: nothing more can be saved, and the saved tensors' versions are kept. */
    void seal() {
        sealed = true;
        versions = new int[savedCount];
        for (int i = 0; i < savedCount; i++) {
            versions[i] = saved[i].storage.version;
        }
    }

    /**
     * Throws when a saved tensor was written in place after the op saved it: its derivative
     * would read the new values and be silently wrong.
     */
    void checkSavedUnchanged() {
        for (int i = 0; i < savedCount; i++) {
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
        savedCount = 0;
        versions = NO_VERSIONS;
        forwardOutput = null;
    }

    boolean released() {
        return backward == null;
    }

    private static final Tensor[] NONE = new Tensor[0];
    private static final int[] NO_VERSIONS = new int[0];
}
