package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.Module;
import java.util.Random;

/**
 * Widrow and Hoff's ADALINE: one linear unit whose output during learning is the linear sum
 * itself (identity activation), trained to minimize the squared error to the 0/1 target; the
 * class is the sum thresholded at 1/2. Trained with {@code Objective.mse(0.5)} and SGD; with
 * batch size 1 that is exactly the Widrow-Hoff (LMS, delta) rule
 * {@code w += 2 lr (y - x . w - b) x}. Unlike the perceptron it converges on any data (to the
 * least-squares fit), which on linearly separable gates classifies every point.
 */
public final class Adaline extends Module {

    private final Linear unit;

    public Adaline(int inputs, Random rng) {
        this.unit = register("linear", new Linear(inputs, 1, rng));
    }

    /** The linear sums [B, 1]; class 1 where above 0.5. */
    @Override
    public Tensor forward(Tensor x) {
        return unit.forward(x);
    }

    public int inputs() {
        return unit.in;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + unit.in;
    }
}
