package dev.vecgrad.bench.jmh;

import dev.vecgrad.kernels.Elementwise;
import dev.vecgrad.kernels.Reductions;
import dev.vecgrad.kernels.RowOps;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The elementwise kernels against plain Java loops, nanoseconds per call. {@code kernel}: the
 * vecgrad kernel; {@code loop}: the plain loop as C2 compiles it (it auto-vectorizes add, axpy,
 * relu); {@link ElementwiseScalarBenchmark}: the same loops in forks with SuperWord off, a truly scalar
 * baseline. Softmax and the bias + ReLU pair use a 64-row block of the size.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecgrad.log=false"})
public class ElementwiseBenchmark extends ElementwiseState {

    @Benchmark
    public float kernel() {
        int n = size;
        switch (op) {
            case "add" -> Elementwise.add(a, 0, b, 0, out, 0, n);
            case "axpy" -> Elementwise.axpy(1e-3f, a, 0, out, 0, n);
            case "relu" -> Elementwise.relu(a, 0, out, 0, n);
            case "exp" -> Elementwise.exp(a, 0, out, 0, n);
            case "tanh" -> Elementwise.tanh(a, 0, out, 0, n);
            case "sigmoid" -> Elementwise.sigmoid(a, 0, out, 0, n);
            case "sum" -> sink += Reductions.sum(a, 0, n);
            case "softmax" -> RowOps.rowSoftmax(a, 0, rows, cols, out, 0);
            case "biasRelu" -> RowOps.addRowVectorRelu(a, 0, rows, cols, bias, 0, out, 0);
            default -> throw new IllegalArgumentException(op);
        }
        return out[0] + sink;
    }

    @Benchmark
    public float loop() {
        return plainLoop();
    }
}
