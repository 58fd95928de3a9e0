package dev.vecgrad.bench;

/** Times a repeatable action the way the baseline script does: warm up, calibrate, sample. */
final class Timer {

    private Timer() {}

    /**
     * Runs {@code action} until warm (at least {@code warmupSeconds}), calibrates a repetition
     * count so one sample lasts at least {@code minSampleSeconds}, then returns
     * {@code samples} rates of {@code workPerCall * reps / seconds}.
     */
    static Samples rates(Runnable action, double workPerCall, int samples, double warmupSeconds, double minSampleSeconds) {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do {
            action.run();
        } while (System.nanoTime() < warmEnd);
        int reps = 1;
        while (true) {
            double s = time(action, reps);
            if (s >= minSampleSeconds) {
                break;
            }
            reps = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(2L * reps, (long) (reps * minSampleSeconds / Math.max(s, 1e-9) * 1.2)));
        }
        double[] out = new double[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = workPerCall * reps / time(action, reps);
        }
        return new Samples(out);
    }

    private static double time(Runnable action, int reps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            action.run();
        }
        return (System.nanoTime() - t0) * 1e-9;
    }
}
