package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Penalty terms to add to a loss, and early stopping on a validation loss. */
public final class Regularization {

    private Regularization() {}

    /** lambda * sum |p| over the parameters (differentiable; sign(0) = 0). */
    public static Tensor l1(List<Tensor> params, double lambda) {
        Tensor total = null;
        for (Tensor p : params) {
            Tensor t = p.abs().sum();
            total = total == null ? t : total.add(t);
        }
        return total == null ? null : total.mul(lambda);
    }

    /** lambda * sum p^2 over the parameters (differentiable). */
    public static Tensor l2(List<Tensor> params, double lambda) {
        Tensor total = null;
        for (Tensor p : params) {
            Tensor t = p.mul(p).sum();
            total = total == null ? t : total.add(t);
        }
        return total == null ? null : total.mul(lambda);
    }

    /**
     * Stops training when the validation loss has not improved by more than {@code minDelta}
     * for {@code patience} epochs, keeping a copy of the best weights to restore.
     */
    public static final class EarlyStopping {
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

        public double bestLoss() {
            return best;
        }

        public int bestEpoch() {
            return bestEpoch;
        }
    }
}
