package dev.vecgrad.bench.jmh;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.models.Sequential;
import dev.vecgrad.models.activation.ReLU;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
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

/** One optimizer step over the 784-128-64-10 MLP's 109,386 parameters (gradients set once). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecgrad.log=false"})
public class OptimizerBenchmark {

    @Param({"adam", "adamw", "sgd_momentum"})
    public String optimizer;

    @Param({"1"})
    public int threads;

    Optimizer opt;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Random rnd = new Random(1);
        Sequential mlp = new Sequential(new Linear(784, 128, rnd), new ReLU(), new Linear(128, 64, rnd),
                new ReLU(), new Linear(64, 10, rnd));
        for (Tensor p : mlp.parameters()) {
            p.mul(Tensor.randn(rnd, DType.F32, p.shape())).sum().backward();
        }
        opt = switch (optimizer) {
            case "adam" -> new Optimizers.Adam(mlp.parameters(), 0.003);
            case "adamw" -> new Optimizers.AdamW(mlp.parameters(), 0.003);
            default -> new Optimizers.SGD(mlp.parameters(), 0.01, 0.9, 0, false, 0);
        };
    }

    @Benchmark
    public Optimizer step() {
        opt.step();
        return opt;
    }
}
