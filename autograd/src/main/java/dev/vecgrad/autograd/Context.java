package dev.vecgrad.autograd;

import java.util.Arrays;
import java.util.List;

/**
 * What one call of an op keeps for its backward: the saved tensors and which inputs need a
 * gradient, as {@code ctx} in PyTorch. Every derivative in vecgrad, the library's own ops and
 * a {@link Function}'s alike, receives its saved tensors only through this object, so every
 * tensor a derivative reads is one the engine checks for in-place writes: backward throws,
 * naming the op, if one changed after it was saved.
 *
 * <p>The context of a recorded op is its graph node ({@link Node}); no other subclass exists.
 */
public sealed class Context permits Node {

    private static final Tensor[] NONE = new Tensor[0];

    /** The inputs of the op, in order (entries may be null). */
    Tensor[] inputs;
    /** Which inputs need a gradient, fixed at the call; null: read from the inputs when asked. */
    private final boolean[] needsInputGrad;
    /** The saved tensors, {@code savedCount} of them. */
    Tensor[] saved;
    int savedCount;
    /** Set once forward is over: nothing more may be saved. */
    boolean sealed;

    Context(Tensor[] inputs, boolean[] needsInputGrad, Tensor[] saved) {
        this.inputs = inputs;
        this.needsInputGrad = needsInputGrad;
        this.saved = saved == null ? NONE : saved;
        this.savedCount = this.saved.length;
    }

    /**
     * Keeps tensors for backward (inputs, the output, or intermediates of forward); only in
     * forward.
     *
     * @throws IllegalStateException once forward has returned
     */
    public void saveForBackward(Tensor... tensors) {
        if (sealed) {
            throw new IllegalStateException("saveForBackward: only forward may save tensors");
        }
        for (Tensor t : tensors) {
            if (t == null) {
                throw new IllegalArgumentException("saveForBackward: a null tensor");
            }
        }
        if (savedCount + tensors.length > saved.length) {
            saved = Arrays.copyOf(saved, Math.max(2 * saved.length, savedCount + tensors.length));
        }
        System.arraycopy(tensors, 0, saved, savedCount, tensors.length);
        savedCount += tensors.length;
    }

    /** The i-th saved tensor, in the order saved. */
    public Tensor saved(int i) {
        if (i < 0 || i >= savedCount) {
            throw new IndexOutOfBoundsException("saved: index " + i + ", " + savedCount + " tensors were saved");
        }
        return saved[i];
    }

    public List<Tensor> savedTensors() {
        return List.of(Arrays.copyOf(saved, savedCount));
    }

    /** An uninitialised tensor shaped like {@code like} for input i's gradient, or null when input i needs none. */
    Tensor gradientBuffer(int i, Tensor like) {
        return needsInputGrad(i) ? Tensor.emptyLike(like, like.shape.clone()) : null;
    }

    /** True when input i requires grad (and grad mode was on): backward may return null for the others. */
    public boolean needsInputGrad(int i) {
        if (needsInputGrad != null) {
            return needsInputGrad[i];
        }
        Tensor in = inputs[i];
        return in != null && in.requiresGrad();
    }
}
