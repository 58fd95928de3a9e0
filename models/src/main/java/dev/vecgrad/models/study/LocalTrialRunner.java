package dev.vecgrad.models.study;

import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.models.data.Dataset;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs trials on {@code jobs} threads of this process, one kernel thread each
 * ({@link Parallelism#serially}): the trials are the parallelism, and the rest of the process
 * keeps its thread count. Results are the same bits for any number of jobs.
 */
public final class LocalTrialRunner implements TrialRunner {

    private final int jobs;

    /** @param jobs trials at once, at least 1 */
    public LocalTrialRunner(int jobs) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        }
        this.jobs = jobs;
    }

    /** As many jobs as this machine has cores. */
    public LocalTrialRunner() {
        this(Runtime.getRuntime().availableProcessors());
    }

    @Override
    public void run(List<Trial> trials, Dataset trainAll, Dataset test, Listener listener) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> Thread.ofPlatform().daemon().name("vecgrad-trial").unstarted(r));
        try {
            var done = new ExecutorCompletionService<TrialResult>(pool);
            for (Trial t : trials) {
                done.submit(() -> Parallelism.serially(() -> t.run(trainAll, test)));
            }
            for (int i = 0; i < trials.size(); i++) {
                TrialResult r;
                try {
                    r = done.take().get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
                }
                listener.finished(r);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
