package dev.vecgrad.app;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Trains a throw-away copy of a model on a small synthetic batch set in a background thread,
 * so that the JIT compiles the kernels a real run will use while the caller does something
 * else (typically: reading and checking the data files).
 *
 * <p>Vector API code runs hundreds of times slower interpreted or in C1 than once C2 has
 * compiled it, and C2 needs a few seconds of profiled calls to get there. Without this, that
 * warm-up lands in the first epoch. The warm-up model, optimizer and data are discarded; the
 * real model's parameters and random streams are untouched, so results do not depend on
 * whether or how long the warm-up ran.
 */
public final class JitWarmup implements AutoCloseable {

    private final Thread thread;
    private volatile boolean stop;
    private volatile int steps;
    private volatile Throwable failure;

    private JitWarmup(Supplier<Module> model, Function<List<Tensor>, Optimizer> optimizer, Objective objective,
                      Dataset sample, int batchSize) {
        this.thread = Thread.ofPlatform().name("vecgrad-jit-warmup").daemon().unstarted(() -> {
            try {
                Module net = model.get();
                Optimizer opt = optimizer.apply(net.parameters());
                Trainer t = new Trainer(objective).epochs(1).batchSize(batchSize);
                do {
                    t.fit(net, opt, sample, null);
                    t.evaluate(net, sample);
                    steps += sample.batchCount(batchSize);
                } while (!stop);
            } catch (Throwable e) {
                failure = e;
            }
        });
    }

    /**
     * Starts warming up: one epoch of {@code sample} in batches of {@code batchSize} and one
     * evaluation pass, repeated until {@link #close()} (at least once).
     */
    public static JitWarmup start(Supplier<Module> model, Function<List<Tensor>, Optimizer> optimizer,
                                  Objective objective, Dataset sample, int batchSize) {
        JitWarmup w = new JitWarmup(model, optimizer, objective, sample, batchSize);
        w.thread.start();
        return w;
    }

    /** A classification set of {@code n} random samples in [-1, 1] with random labels. */
    public static Dataset randomClassification(int n, int[] sampleShape, int numClasses, long seed) {
        java.util.Random r = new java.util.Random(seed);
        int features = 1;
        for (int d : sampleShape) {
            features *= d;
        }
        float[] x = new float[n * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(numClasses);
        }
        return Dataset.classification("warm-up", x, sampleShape.clone(), y, numClasses, null);
    }

    /** Training steps done so far. */
    public int steps() {
        return steps;
    }

    /**
     * Stops after the pass in progress and waits for it. A failure in the warm-up is not
     * rethrown: the real run will meet the same problem and report it with its own context.
     */
    @Override
    public void close() {
        stop = true;
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The exception that ended the warm-up early, or null. */
    public Throwable failure() {
        return failure;
    }
}
