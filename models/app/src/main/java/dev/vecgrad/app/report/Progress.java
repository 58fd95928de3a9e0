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

    /** A terminal progress bar on standard error (me.tongfei progressbar). */
    static Progress bar() {
        return new Progress() {
            ProgressBar bar;
            long start;

            public void epochStart(int epoch, int epochs, int samples) {
                // the bar's own speed counts whole seconds; samples/s is computed here instead
                bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(samples)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit(" samples", 1)
                        .setUpdateIntervalMillis(200).build();
                start = System.nanoTime();
            }

            public void afterStep(int done, double loss) {
                bar.stepTo(done);
                double s = Math.max(1e-9, (System.nanoTime() - start) * 1e-9);
                bar.setExtraMessage(String.format(Locale.ROOT, " %.0f samples/s  loss %.4f", done / s, loss));
            }

            public void epochEnd(EpochMetrics metrics) {
                bar.close();
            }
        };
    }
}
