package dev.vecgrad.models.train;

import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.data.Batch;

/**
 * What training minimizes and how predictions are scored: the loss of a batch's outputs
 * against its labels or targets, and, where accuracy means something, how many predictions
 * are right. The losses are means over the batch.
 */
public interface Objective {

    /** The mean loss of the batch (a scalar tensor that requires grad in training). */
    Tensor loss(Tensor output, Batch batch);

    /** How many of the batch's predictions are right, or -1 when accuracy is not defined (regression). */
    int correct(Tensor output, Batch batch);

    /** A short name for reports: {@code cross-entropy}, {@code mse}, ... */
    String name();

    /** Cross-entropy of class logits [B, C] against labels; a prediction is the argmax. */
    static Objective crossEntropy() {
        return new Objective() {
            public Tensor loss(Tensor output, Batch batch) {
                return Losses.crossEntropy(output, requireLabels(batch, this));
            }

            public int correct(Tensor output, Batch batch) {
                return argmaxHits(output, batch.labels());
            }

            public String name() {
                return "cross-entropy";
            }
        };
    }

    /** Negative log-likelihood of log-probabilities [B, C] (after LogSoftmax) against labels. */
    static Objective nll() {
        return new Objective() {
            public Tensor loss(Tensor output, Batch batch) {
                return Losses.nll(output, requireLabels(batch, this));
            }

            public int correct(Tensor output, Batch batch) {
                return argmaxHits(output, batch.labels());
            }

            public String name() {
                return "nll";
            }
        };
    }

    /** Binary cross-entropy of one logit per sample [B, 1] against 0/1 labels; a prediction is logit > 0. */
    static Objective bceWithLogits() {
        return new Objective() {
            public Tensor loss(Tensor output, Batch batch) {
                requireLabels(batch, this);
                return Losses.bceWithLogits(output, batch.targets());
            }

            public int correct(Tensor output, Batch batch) {
                return thresholdHits(output, batch.labels(), 0);
            }

            public String name() {
                return "bce-with-logits";
            }
        };
    }

    /** Binary cross-entropy of one probability per sample [B, 1] against 0/1 labels; a prediction is p > 0.5. */
    static Objective bce() {
        return new Objective() {
            public Tensor loss(Tensor output, Batch batch) {
                requireLabels(batch, this);
                return Losses.bce(output, batch.targets());
            }

            public int correct(Tensor output, Batch batch) {
                return thresholdHits(output, batch.labels(), 0.5);
            }

            public String name() {
                return "bce";
            }
        };
    }

    /**
     * Mean squared error against the targets (for a classification batch, the label as a
     * number: the notes' XOR network). On labelled batches with one output per sample a
     * prediction is output > {@code threshold}; on regression batches accuracy is undefined.
     */
    static Objective mse(double threshold) {
        return new Objective() {
            public Tensor loss(Tensor output, Batch batch) {
                return Losses.mse(output, batch.targets());
            }

            public int correct(Tensor output, Batch batch) {
                return batch.labels() == null || output.numel() != batch.size() ? -1
                        : thresholdHits(output, batch.labels(), threshold);
            }

            public String name() {
                return "mse";
            }
        };
    }

    /** {@link #mse(double)} with threshold 0.5 (sigmoid outputs). */
    static Objective mse() {
        return mse(0.5);
    }

    private static int[] requireLabels(Batch batch, Objective o) {
        if (batch.labels() == null) {
            throw new IllegalArgumentException(o.name() + " needs class labels; this is a regression dataset");
        }
        return batch.labels();
    }

    /** Number of rows whose argmax equals the label. */
    private static int argmaxHits(Tensor output, int[] labels) {
        int[] predicted = output.argmax(1);
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            hits += predicted[i] == labels[i] ? 1 : 0;
        }
        return hits;
    }

    /** Number of samples whose single output is above {@code threshold} exactly when the label is 1. */
    private static int thresholdHits(Tensor output, int[] labels, double threshold) {
        if (output.numel() != labels.length) {
            throw new IllegalArgumentException("a binary objective needs one output per sample, got shape "
                    + java.util.Arrays.toString(output.shape()) + " for " + labels.length + " samples");
        }
        float[] v = output.contiguous().to(dev.vecgrad.autograd.DType.F32).toFloatArray();
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            hits += (v[i] > threshold) == (labels[i] == 1) ? 1 : 0;
        }
        return hits;
    }
}
