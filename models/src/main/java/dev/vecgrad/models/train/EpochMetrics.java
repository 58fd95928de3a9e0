package dev.vecgrad.models.train;

/**
 * What one epoch gave. Losses are sample-weighted means; accuracies are fractions in [0, 1],
 * NaN where undefined (regression, or no validation set).
 *
 * @param epoch 1-based
 * @param trainLoss mean training loss over the epoch's batches, as they were trained
 * @param trainAccuracy accuracy of the training predictions made during the epoch
 * @param valLoss mean validation loss after the epoch (eval mode, no graph)
 * @param valAccuracy validation accuracy after the epoch
 * @param lr the learning rate at the end of the epoch
 * @param trainSeconds wall time of the training batches
 * @param valSeconds wall time of the validation pass
 * @param samples training samples seen
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                           double lr, double trainSeconds, double valSeconds, int samples) {

    /** Generalization gap: validation loss minus training loss (NaN without validation). */
    public double gap() {
        return valLoss - trainLoss;
    }

    /** Training throughput. */
    public double samplesPerSecond() {
        return samples / trainSeconds;
    }
}
