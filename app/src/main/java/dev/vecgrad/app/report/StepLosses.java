package dev.vecgrad.app.report;

import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.train.TrainingListener;
import java.util.Arrays;

/**
 * Records the loss of every training step, for curves drawn per step as a PyTorch user sees in
 * TensorBoard, and passes every event on to another listener (the progress display). The
 * {@link dev.vecgrad.models.train.Trainer} reports the running mean; a step's own loss is
 * recovered from two consecutive means: {@code (mean_k * done_k - mean_(k-1) * done_(k-1)) /
 * (done_k - done_(k-1))}.
 */
public final class StepLosses implements TrainingListener {

    private final TrainingListener next;
    private double[] x = new double[256];
    private double[] loss = new double[256];
    private int n;
    private int epoch;
    private int samples;
    private int prevDone;
    private double prevSum;

    public StepLosses(TrainingListener next) {
        this.next = next;
    }

    @Override
    public void epochStart(int epoch, int epochs, int samples) {
        this.epoch = epoch;
        this.samples = samples;
        prevDone = 0;
        prevSum = 0;
        next.epochStart(epoch, epochs, samples);
    }

    @Override
    public void afterStep(int done, double runningLoss) {
        double sum = runningLoss * done;
        if (done > prevDone) {
            if (n == x.length) {
                x = Arrays.copyOf(x, 2 * n);
                loss = Arrays.copyOf(loss, 2 * n);
            }
            x[n] = epoch - 1 + (double) done / samples;
            loss[n] = (sum - prevSum) / (done - prevDone);
            n++;
        }
        prevDone = done;
        prevSum = sum;
        next.afterStep(done, runningLoss);
    }

    @Override
    public void epochEnd(EpochMetrics metrics) {
        next.epochEnd(metrics);
    }

    /** Continues after the steps of an earlier run ({@link #x()} and {@link #losses()} of a saved state). */
    public void restore(double[] x, double[] losses) {
        if (x.length != losses.length) {
            throw new IllegalArgumentException("step positions and losses differ in count: " + x.length + " and " + losses.length);
        }
        this.x = Arrays.copyOf(x, Math.max(256, x.length));
        this.loss = Arrays.copyOf(losses, this.x.length);
        this.n = x.length;
    }

    /** The position of each step, in epochs (1.0 is the end of the first epoch). */
    public double[] x() {
        return Arrays.copyOf(x, n);
    }

    /** Each step's mean loss over its batch. */
    public double[] losses() {
        return Arrays.copyOf(loss, n);
    }

    /**
     * An exponential moving average, debiased at the start as TensorBoard's smoothing is:
     * {@code weight} is how much of the past each point keeps.
     */
    public static double[] smooth(double[] v, double weight) {
        double[] out = new double[v.length];
        double avg = 0;
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                out[i] = Double.NaN;
                continue;
            }
            avg = weight * avg + (1 - weight) * v[i];
            norm = weight * norm + (1 - weight);
            out[i] = avg / norm;
        }
        return out;
    }
}
