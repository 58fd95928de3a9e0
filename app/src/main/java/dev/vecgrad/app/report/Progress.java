package dev.vecgrad.app.report;

import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows an epoch as it runs: a terminal progress bar (samples/s, running loss) when the
 * process has a terminal, plain lines (at each quarter of the epoch) when it has not, or
 * nothing. A {@link TrainingListener}: give it to {@link Trainer#listener}; it never changes
 * what is trained.
 */
public interface Progress extends TrainingListener {

    /** Shows nothing. */
    static Progress none() {
        return new Progress() {};
    }

    /** A progress bar on standard error when there is a terminal, else {@link #lines} on standard error. */
    static Progress auto() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? bar() : lines(System.err);
    }

    /** A line at each quarter of an epoch: samples, samples/s, running loss. */
    static Progress lines(PrintStream out) {
        return new Progress() {
            int epoch;
            int epochs;
            int samples;
            int nextQuarter;
            long start;

            public void epochStart(int epoch, int epochs, int samples) {
                this.epoch = epoch;
                this.epochs = epochs;
                this.samples = samples;
                this.nextQuarter = 1;
                this.start = System.nanoTime();
            }

            public void afterStep(int done, double loss) {
                if (nextQuarter < 4 && (long) done * 4 >= (long) nextQuarter * samples) {
                    double s = (System.nanoTime() - start) * 1e-9;
                    out.printf(Locale.ROOT, "  epoch %d/%d  %3d%%  %d/%d samples  %.0f samples/s  loss %.4f%n", epoch, epochs,
                            (int) (100L * done / samples), done, samples, done / s, loss);
                    while (nextQuarter < 4 && (long) done * 4 >= (long) nextQuarter * samples) {
                        nextQuarter++;
                    }
                }
            }

            public void epochEnd(EpochMetrics metrics) {}
        };
    }

    /**
     * A terminal progress bar on standard error (me.tongfei progressbar), short enough for 80
     * columns. The ETA comes from the speed over the last second, not from the mean since the
     * start, which the first epoch's JIT warm-up makes far too pessimistic; the previous epoch's
     * speed stands in until a second has passed.
     */
    static Progress bar() {
        return new Progress() {
            ProgressBar bar;
            long start;
            long windowStart;
            int windowDone;
            double rate = Double.NaN; // samples per second over the last full window

            public void epochStart(int epoch, int epochs, int samples) {
                // the kernels announce themselves on first use: let them, before the bar draws its line
                dev.vecgrad.kernels.Backend.summary();
                bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(samples)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(200)
                        .setEtaFunction(state -> eta(state.getMax() - state.getCurrent())).build();
                start = System.nanoTime();
                windowStart = start;
                windowDone = 0;
            }

            private java.util.Optional<java.time.Duration> eta(long remaining) {
                return Double.isNaN(rate) || rate <= 0 ? java.util.Optional.empty()
                        : java.util.Optional.of(java.time.Duration.ofMillis((long) (1000 * remaining / rate)));
            }

            public void afterStep(int done, double loss) {
                long now = System.nanoTime();
                if (now - windowStart >= 1_000_000_000L) {
                    rate = (done - windowDone) / ((now - windowStart) * 1e-9);
                    windowStart = now;
                    windowDone = done;
                }
                bar.stepTo(done);
                // the bar's own speed counts whole seconds; samples/s is computed here instead
                double s = Math.max(1e-9, (now - start) * 1e-9);
                bar.setExtraMessage(String.format(Locale.ROOT, "%.0f/s loss %.4f", done / s, loss));
            }

            public void epochEnd(EpochMetrics metrics) {
                bar.close();
            }
        };
    }
}
