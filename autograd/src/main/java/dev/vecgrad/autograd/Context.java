package dev.vecgrad.autograd;

import java.util.ArrayList;
import java.util.List;

/**
 * What one call of a {@link Function} keeps for its backward: the saved tensors and which
 * inputs need a gradient, as {@code ctx} in PyTorch. Saved tensors are checked for in-place
 * writes before backward reads them: backward throws, naming the function, if one changed.
 */
public final class Context {

    private final boolean[] needsInputGrad;
    private final List<Tensor> saved = new ArrayList<>();

    Context(boolean[] needsInputGrad) {
        this.needsInputGrad = needsInputGrad;
    }

    /** Keeps tensors for backward (inputs, the output, or intermediates of forward). */
    public void saveForBackward(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t == null) {
                throw new IllegalArgumentException("saveForBackward: a null tensor");
            }
            saved.add(t);
        }
    }

    /** The i-th saved tensor, in the order saved. */
    public Tensor saved(int i) {
        if (i < 0 || i >= saved.size()) {
            throw new IndexOutOfBoundsException("saved: index " + i + ", " + saved.size() + " tensors were saved");
        }
        return saved.get(i);
    }

    public List<Tensor> savedTensors() {
        return List.copyOf(saved);
    }

    /** True when input i requires grad (and grad mode was on): backward may return null for the others. */
    public boolean needsInputGrad(int i) {
        return needsInputGrad[i];
    }

    Tensor[] savedArray() {
        return saved.toArray(new Tensor[0]);
    }
}
