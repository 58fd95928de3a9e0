package dev.vecgrad.bench.jmh;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Tensor;
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
 * Autograd costs: {@code addOverhead}, one add of two 1 x 8 tensors that require grad, its
 * backward included (the per-op overhead of the engine); {@code mlpStep}, forward and backward
 * of the 784-128-64-10 ReLU MLP on a batch of 64 with cross-entropy (no optimizer step).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecgrad.log=false"})
public class AutogradBenchmark {

    @Param({"1"})
    public int threads;

    Tensor a;
    Tensor b;
    Tensor x;
    int[] labels;
    Tensor w1;
    Tensor b1;
    Tensor w2;
    Tensor b2;
    Tensor w3;
    Tensor b3;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Random rnd = new Random(1);
        a = Tensor.randn(rnd, DType.F32, 1, 8).requiresGrad(true);
        b = Tensor.randn(rnd, DType.F32, 1, 8).requiresGrad(true);
        x = Tensor.rand(rnd, DType.F32, 64, 784);
        labels = new int[64];
        for (int i = 0; i < 64; i++) {
            labels[i] = rnd.nextInt(10);
        }
        w1 = param(rnd, 128, 784);
        b1 = param(rnd, 128);
        w2 = param(rnd, 64, 128);
        b2 = param(rnd, 64);
        w3 = param(rnd, 10, 64);
        b3 = param(rnd, 10);
    }

    private static Tensor param(Random rnd, int... shape) {
        return Tensor.randn(rnd, DType.F32, shape).mul(0.05).detach().requiresGrad(true);
    }

    @Benchmark
    public Tensor addOverhead() {
        a.zeroGrad();
        b.zeroGrad();
        Tensor y = a.add(b);
        y.backward(Tensor.ones(DType.F32, 1, 8));
        return a.grad();
    }

    @Benchmark
    public Tensor mlpStep() {
        for (Tensor p : new Tensor[] {w1, b1, w2, b2, w3, b3}) {
            p.zeroGrad();
        }
        Tensor h1 = x.matmul(w1.t()).add(b1).relu();
        Tensor h2 = h1.matmul(w2.t()).add(b2).relu();
        Tensor logits = h2.matmul(w3.t()).add(b3);
        Tensor loss = Losses.crossEntropy(logits, labels);
        loss.backward();
        return w1.grad();
    }
}
