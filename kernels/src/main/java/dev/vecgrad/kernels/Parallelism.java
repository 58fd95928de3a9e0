package dev.vecgrad.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The thread count every vecgrad kernel uses, and the one place work is spread across threads.
 *
 * <p>The default is {@link Runtime#availableProcessors()}; the system property
 * {@code vecgrad.threads} or {@link #setThreads(int)} change it. Kernels split work into
 * independent items (tiles of M and N for GEMM, fixed-size chunks for maps and reductions)
 * whose boundaries do not depend on the thread count, so results are bitwise identical for
 * any thread count; threads only decide who computes which item.
 *
 * <p>The helpers are {@code threads - 1} daemon threads that spin for a short while
 * ({@code vecgrad.spinMicros}, 200 by default) after each job before parking, the way BLAS
 * thread pools do: a ForkJoinPool hand-off measured 75 microseconds on a 2-core VM (waking a
 * parked thread), more than a whole 64 x 128 x 784 sgemm takes on one core. The calling
 * thread always works too, and never waits for a helper that has not started: items are
 * claimed from a shared counter, and the caller waits only for items already claimed.
 *
 * <p>Thread safety: any thread may call {@link #forEach}; when the pool is busy with another
 * caller's job, or when called from inside a job, the items run on the calling thread.
 * {@link #setThreads(int)} may be called at any time; a running job finishes on its pool.
 */
public final class Parallelism {

    private static final long SPIN_NANOS = 1000L * Long.getLong("vecgrad.spinMicros", 200L);

    private static volatile Pool pool = new Pool(initialThreads());

    private Parallelism() {}

    /** The number of threads kernels use (at least 1). */
    public static int threads() {
        return pool.threads;
    }

    /**
     * Sets the number of threads kernels use.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (threads == pool.threads) {
            return;
        }
        Pool old = pool;
        pool = new Pool(threads);
        old.shutdown();
    }

    /**
     * Runs {@code work} with every kernel it calls on the calling thread alone, whatever
     * {@link #threads()} is, and returns its result: the way to run independent jobs side by
     * side (a study's trials), one thread each, without changing the thread count of the rest
     * of the process. Results are the same bits as on any thread count.
     */
    public static <T> T serially(java.util.concurrent.Callable<T> work) throws Exception {
        Job outer = Job.CURRENT.get();
        Job.CURRENT.set(Job.SERIAL);   // forEach runs the items of a nested call inline
        try {
            return work.call();
        } finally {
            if (outer == null) {
                Job.CURRENT.remove();
            } else {
                Job.CURRENT.set(outer);
            }
        }
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, items)}, spread over at
     * most {@link #threads()} threads, the calling thread included; returns when all are done.
     * The first exception thrown by the body is rethrown in the calling thread, as thrown.
     */
    public static void forEach(int items, IntConsumer body) {
        Pool p = pool;
        if (items <= 1 || p.threads == 1 || Job.CURRENT.get() != null || !p.lock.tryLock()) {
            for (int i = 0; i < items; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(items, body);
        try {
            p.post(job);
            job.work();
            job.awaitClaimed();
            p.clear();
        } finally {
            p.lock.unlock();
        }
        job.rethrow();
    }

    private static int initialThreads() {
        int available = Runtime.getRuntime().availableProcessors();
        String property = System.getProperty("vecgrad.threads");
        if (property == null || property.isBlank()) {
            return available;
        }
        try {
            int t = Integer.parseInt(property.trim());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(
                "system property vecgrad.threads must be a positive integer, got '" + property + "'");
    }

    /** One forEach: items claimed from a counter, completions counted, the first failure kept. */
    private static final class Job {
        /** The job the current thread is working on, so nested calls run inline. */
        static final ThreadLocal<Job> CURRENT = new ThreadLocal<>();
        /** Marks a thread inside {@link #serially}: never posted, never worked. */
        static final Job SERIAL = new Job(0, i -> { });

        final int items;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int items, IntConsumer body) {
            this.items = items;
            this.body = body;
        }

        void work() {
            CURRENT.set(this);
            try {
                for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
                    try {
                        if (failure.get() == null) {
                            body.accept(i);
                        }
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.incrementAndGet();
                    }
                }
            } finally {
                CURRENT.remove();
            }
        }

        /**
         * Waits until every item has been run: all are claimed once the caller's own work()
         * returns. Spins briefly, then yields, so a helper that lost its core gets it back.
         */
        void awaitClaimed() {
            for (int spins = 0; done.get() < items; spins++) {
                if (spins < 10_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
        }
    }

    /** {@code threads - 1} helper threads that spin, then park, waiting for the next job. */
    private static final class Pool {
        final int threads;
        final ReentrantLock lock = new ReentrantLock();
        private final Thread[] helpers;
        private volatile Job job;
        private volatile long posted;
        private volatile boolean stopped;

        Pool(int threads) {
            this.threads = threads;
            this.helpers = new Thread[threads - 1];
            for (int h = 0; h < helpers.length; h++) {
                helpers[h] = new Thread(this::helperLoop, "vecgrad-kernel-" + (h + 1));
                helpers[h].setDaemon(true);
                helpers[h].start();
            }
        }

        void post(Job j) {
            job = j;
            posted++;
            for (Thread t : helpers) {
                LockSupport.unpark(t);
            }
        }

        /** Drops the finished job, so the pool does not keep its arrays alive. */
        void clear() {
            job = null;
        }

        private void helperLoop() {
            long seen = 0;
            while (!stopped) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (posted == seen && !stopped) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                seen = posted;
                Job j = job;
                if (j != null) {
                    j.work();
                }
            }
        }

        void shutdown() {
            stopped = true;
            for (Thread t : helpers) {
                LockSupport.unpark(t);
            }
        }
    }
}
