package dev.vecgrad.models.dropout;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import java.util.Random;

/** Inverted dropout in training mode (scale 1 / (1 - p)); the identity in eval mode. */
public final class Dropout extends Module {
    private final double p;
    private final Random rng;

    public Dropout(double p, Random rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.dropout(p, isTraining(), rng);
    }

    /** The generator of the masks (a run saved mid-training keeps its state, see {@code TrainingState}). */
    public Random generator() {
        return rng;
    }

    @Override
    protected String extraRepr() {
        return "p=" + repr(p) + ", inplace=False";
    }
}
