package dev.vecgrad.models.train;

import dev.vecgrad.models.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The epochs of one training run, in order, and whether early stopping ended it. */
public final class History {

    private final List<EpochMetrics> epochs = new ArrayList<>();
    private boolean stoppedEarly;
    private boolean diverged;
    private boolean interrupted;
    private boolean keptBest;
    private int bestEpoch = -1;

    void add(EpochMetrics m) {
        epochs.add(m);
    }

    void markStoppedEarly(int bestEpoch) {
        this.stoppedEarly = true;
        this.bestEpoch = bestEpoch;
    }

    void markDiverged() {
        this.diverged = true;
    }

    void markKeptBest(int bestEpoch) {
        this.keptBest = true;
        this.bestEpoch = bestEpoch;
    }

    /**
     * True when the run ended with the weights of its best epoch by validation loss
     * ({@link Trainer#keepBest}), {@link #bestEpoch()}, rather than its last.
     */
    public boolean keptBest() {
        return keptBest;
    }

    void markInterrupted() {
        this.interrupted = true;
    }

    /**
     * True when {@link Trainer#stopWhen} stopped the run during an epoch: the epochs listed are
     * the completed ones, and the model holds weights from the middle of the next.
     */
    public boolean interrupted() {
        return interrupted;
    }

    /** True when a loss became NaN or infinite, which ended the run (try a lower learning rate). */
    public boolean diverged() {
        return diverged;
    }

    public List<EpochMetrics> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The last epoch's metrics. */
    public EpochMetrics last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch has run");
        }
        return epochs.get(epochs.size() - 1);
    }

    /** True when early stopping ended the run (the model then holds the weights of {@link #bestEpoch()}). */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** The epoch whose weights early stopping restored, or {@link Trainer#keepBest} kept; -1 otherwise. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** One header line ({@code epoch}, then {@link EpochMetrics#FIELDS}), then one line per epoch; empty fields where a value is undefined. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("epoch,").append(String.join(",", EpochMetrics.FIELDS)).append('\n');
        for (EpochMetrics m : epochs) {
            sb.append(m.epoch());
            for (double v : m.values()) {
                sb.append(',').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code file} atomically. */
    public void writeCsv(Path file) throws IOException {
        AtomicFiles.writeString(file, toCsv());
    }
}
