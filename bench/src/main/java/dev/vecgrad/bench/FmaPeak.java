package dev.vecgrad.bench;

import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's float FMA throughput as the Vector API reaches it: 16 independent
 * accumulator chains of the preferred species per thread (enough to cover FMA latency times
 * the number of FMA pipes on current x86 and ARM cores), no memory traffic. This is the
 * "peak" GEMM efficiency is quoted against, measured in the same run.
 */
final class FmaPeak {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final long ITERATIONS = 20_000_000;
    private static volatile float sink;

    private FmaPeak() {}

    /** GFLOP/s of {@code threads} threads running the probe at once, {@code samples} times. */
    static Samples measure(int threads, int samples) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            sink += chains(20_000);
        }
        double[] out = new double[samples];
        for (int s = 0; s < samples; s++) {
            out[s] = once(threads);
        }
        return new Samples(out);
    }

    private static double once(int threads) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        long[] nanos = new long[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                    long t0 = System.nanoTime();
                    sink += chains(ITERATIONS);
                    nanos[id] = System.nanoTime() - t0;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            workers[t].start();
        }
        try {
            start.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            throw new IllegalStateException(e);
        }
        double flops = 0;
        long slowest = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join();
            slowest = Math.max(slowest, nanos[t]);
            flops += 2.0 * 16 * S.length() * ITERATIONS;
        }
        return flops / slowest;
    }

    private static float chains(long n) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f);
        FloatVector y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < n; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
            a12 = a12.fma(x, y); a13 = a13.fma(x, y); a14 = a14.fma(x, y); a15 = a15.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
    }
}
