package dev.vecgrad.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** The plain loops of {@link ElementwiseBenchmark} in forks where C2's auto-vectorization (SuperWord) is off: a truly scalar baseline. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecgrad.log=false", "-XX:-UseSuperWord"})
public class ElementwiseScalarBenchmark extends ElementwiseState {

    @Benchmark
    public float scalarLoop() {
        return plainLoop();
    }
}
