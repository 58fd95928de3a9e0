package dev.vecgrad.models.train;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops training when the validation loss has not improved by more than {@code minDelta}
 * for {@code patience} epochs, keeping a copy of the best weights to restore.
 */
public final class EarlyStopping {
    private final int patience;
    private final double minDelta;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch = -1;
    private int waited;
    private Map<String, Tensor> bestState;

    public EarlyStopping(int patience, double minDelta) {
        if (patience < 1) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, got " + patience);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    /** Records an epoch's validation loss; true when training should stop. */
    public boolean update(int epoch, double valLoss, Module model) {
        if (valLoss < best - minDelta) {
            best = valLoss;
            bestEpoch = epoch;
            waited = 0;
            bestState = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                bestState.put(e.getKey(), e.getValue().mul(1.0).detach());
            }
            return false;
        }
        return ++waited >= patience;
    }

    /** Loads the best weights seen back into the model; false if none were recorded. */
    public boolean restoreBest(Module model) {
        if (bestState == null) {
            return false;
        }
        model.loadStateDict(bestState);
        return true;
    }

    /** Epochs since the last improvement. */
    int waited() {
        return waited;
    }

    /** The best weights kept (null before the first epoch). */
    Map<String, Tensor> bestState() {
        return bestState;
    }

    /** Continues from a saved run's counters and best weights (see {@link TrainingState}). */
    void restore(double best, int bestEpoch, int waited, Map<String, Tensor> bestState) {
        this.best = best;
        this.bestEpoch = bestEpoch;
        this.waited = waited;
        this.bestState = bestState;
    }

    public double bestLoss() {
        return best;
    }

    public int bestEpoch() {
        return bestEpoch;
    }
}
