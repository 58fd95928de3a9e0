package dev.vecgrad.models.linear;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import java.util.Random;

/**
 * A {@link Linear} whose input size is inferred from the first input it sees, as
 * {@code torch.nn.LazyLinear}. Its parameters exist only after that first call: create the
 * optimizer after a first forward pass.
 */
public class LazyLinear extends Module {

    private final int out;
    private final Random rng;
    private Linear inner;

    public LazyLinear(int out, Random rng) {
        this.out = out;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (inner == null) {
            int[] s = x.shape();
            inner = register("linear", new Linear(s[s.length - 1], out, true, x.dtype(), rng));
        }
        return inner.forward(x);
    }

    /** The inferred input size, or -1 before the first call. */
    public int inFeatures() {
        return inner == null ? -1 : inner.in;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + (inner == null ? "?" : inner.in) + ", out_features=" + out;
    }
}
