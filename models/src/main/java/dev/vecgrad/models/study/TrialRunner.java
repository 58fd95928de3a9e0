package dev.vecgrad.models.study;

import dev.vecgrad.models.data.Dataset;
import java.util.List;

/**
 * Runs a study's trials and hands over each result as it finishes. {@link LocalTrialRunner}
 * runs them on this machine's threads; a runner that spreads them over machines implements the
 * same interface, and gives the same results: a trial's result depends only on its spec, its
 * seed and the data.
 */
public interface TrialRunner {

    /** Receives each result, on one thread at a time, in the order the trials finish. */
    @FunctionalInterface
    interface Listener {
        void finished(TrialResult result) throws Exception;
    }

    /**
     * Runs every trial on {@code trainAll} and {@code test}, passing each result to
     * {@code listener} as it finishes; returns when all have finished. The first failure (of a
     * trial or of the listener) is thrown, and the trials not yet started are not run.
     */
    void run(List<Trial> trials, Dataset trainAll, Dataset test, Listener listener) throws Exception;
}
