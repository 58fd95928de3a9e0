package dev.vecgrad.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Thread safety: {@link #setThreads(int)} may be called at any time from any thread; a
 * kernel already running finishes on the pool it started with.
 */
public final class Parallelism {

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
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, items)}, spread over at
     * most {@link #threads()} threads, the calling thread included; returns when all are done.
     * Items are claimed dynamically, so uneven items balance themselves. Exceptions thrown by
     * the body are rethrown in the calling thread.
     */
    public static void forEach(int items, IntConsumer body) {
        Pool p = pool;
        int workers = Math.min(items, p.threads);
        if (workers <= 1 || p.ownsCurrentThread()) {
            for (int i = 0; i < items; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[workers - 1];
        for (int w = 0; w < helpers.length; w++) {
            helpers[w] = p.forkJoin.submit(new Claimer(items, next, body, failure));
        }
        new Claimer(items, next, body, failure).compute();
        for (ForkJoinTask<?> helper : helpers) {
            helper.join();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
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

    /**
     * Claims item indices from a shared counter until none are left. The first exception is
     * kept as thrown (ForkJoinTask.join would wrap it) and stops further claims.
     */
    private static final class Claimer extends RecursiveAction {
        private final int items;
        private final AtomicInteger next;
        private final IntConsumer body;
        private final AtomicReference<Throwable> failure;

        Claimer(int items, AtomicInteger next, IntConsumer body, AtomicReference<Throwable> failure) {
            this.items = items;
            this.next = next;
            this.body = body;
            this.failure = failure;
        }

        @Override
        protected void compute() {
            try {
                for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
                    body.accept(i);
                }
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
                next.set(items);
            }
        }
    }

    /** A pool of {@code threads - 1} workers: the calling thread is the last one. */
    private static final class Pool {
        final int threads;
        final ForkJoinPool forkJoin;

        Pool(int threads) {
            this.threads = threads;
            this.forkJoin = threads > 1 ? new ForkJoinPool(threads - 1, Pool::newWorker, null, false) : null;
        }

        private static ForkJoinWorkerThread newWorker(ForkJoinPool p) {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("vecgrad-kernel-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }

        /** True on one of this pool's workers: nested parallel calls then run inline. */
        boolean ownsCurrentThread() {
            return forkJoin != null
                    && Thread.currentThread() instanceof ForkJoinWorkerThread w
                    && w.getPool() == forkJoin;
        }

        void shutdown() {
            if (forkJoin != null) {
                forkJoin.shutdown();
            }
        }
    }
}
