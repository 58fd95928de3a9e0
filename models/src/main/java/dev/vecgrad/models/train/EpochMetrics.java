package dev.vecgrad.models.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

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

    /**
     * The metrics' names, in one order: the columns of {@code history.csv} after {@code epoch},
     * and the fields of the CLI's JSON lines, so that both say the same thing with the same words.
     */
    public static final List<String> FIELDS = List.of(
            "train_loss", "train_accuracy", "val_loss", "val_accuracy", "gap", "lr", "train_seconds", "val_seconds", "samples_per_second");

    /** The values of {@link #FIELDS}, in that order. */
    public double[] values() {
        return new double[] {trainLoss, trainAccuracy, valLoss, valAccuracy, gap(), lr, trainSeconds, valSeconds, samplesPerSecond()};
    }

    /** {@link #FIELDS} with their {@link #values()}. */
    public SequencedMap<String, Double> fields() {
        SequencedMap<String, Double> m = new LinkedHashMap<>();
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            m.put(FIELDS.get(i), v[i]);
        }
        return m;
    }

    /** Training throughput. */
    public double samplesPerSecond() {
        return samples / trainSeconds;
    }
}
