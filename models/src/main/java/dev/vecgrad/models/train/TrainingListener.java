package dev.vecgrad.models.train;

/**
 * Hooks into {@link Trainer#fit}: told when an epoch starts, after every optimizer step and
 * when the epoch (validation included) is over. For showing and recording progress; it never
 * changes what is trained. Every method does nothing unless overridden. The application's
 * progress bar ({@code vecgrad-app}) is one.
 */
public interface TrainingListener {

    /** Epoch {@code epoch} of {@code epochs} (counted from 1) begins, over {@code samples} training samples. */
    default void epochStart(int epoch, int epochs, int samples) {}

    /**
     * An optimizer step is done: {@code done} samples of the epoch are trained so far and
     * {@code runningLoss} is their mean loss.
     */
    default void afterStep(int done, double runningLoss) {}

    /** The epoch (validation included) is over; called before {@link Trainer#onEpoch}'s callback. */
    default void epochEnd(EpochMetrics metrics) {}

    /** A listener that does nothing (the {@link Trainer}'s default). */
    static TrainingListener none() {
        return new TrainingListener() {};
    }
}
