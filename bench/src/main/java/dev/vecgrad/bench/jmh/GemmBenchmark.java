package dev.vecgrad.bench.jmh;

import dev.vecgrad.kernels.Gemm;
import dev.vecgrad.kernels.Parallelism;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * sgemm per shape, microseconds per call (GFLOP/s = 2mnk / time). Shapes are
 * {@code MxNxK:AB} with A, B = N or T: the squares and the MLP's training shapes (forward,
 * forward with the weight transposed as PyTorch stores it, the input gradient, and the weight
 * gradient for either storage; see {@code GemmShape}).
 * {@code ./vecgrad bench jmh GemmBenchmark -p threads=2}; pin one-thread runs with taskset.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecgrad.log=false"})
public class GemmBenchmark {

    @Param({"64x64x64:NN", "128x128x128:NN", "256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN", "2048x2048x2048:NN",
            "64x128x784:NN", "64x128x784:NT", "64x784x128:NT", "784x128x64:TN", "128x784x64:TN",
            "64x64x128:NN", "64x64x128:NT", "64x128x64:NT", "128x64x64:TN", "64x128x64:TN",
            "64x10x64:NN", "64x10x64:NT", "64x64x10:NT", "64x10x64:TN", "10x64x64:TN"})
    public String shape;

    @Param({"1"})
    public int threads;

    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setup() {
        String[] parts = shape.split("[x:]");
        m = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        k = Integer.parseInt(parts[2]);
        transA = parts[3].charAt(0) == 'T';
        transB = parts[3].charAt(1) == 'T';
        Random rnd = new Random(1);
        a = random(rnd, m * k);
        b = random(rnd, k * n);
        c = new float[m * n];
        Parallelism.setThreads(threads);
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
        return c;
    }

    private static float[] random(Random rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = rnd.nextFloat();
        }
        return x;
    }
}
