package dev.vecgrad.bench.jmh;

import dev.vecgrad.kernels.Elementwise;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.kernels.RowOps;
import java.util.Random;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Arrays and parameters shared by {@link ElementwiseBenchmark} and {@link ElementwiseScalarBenchmark}. */
@State(Scope.Benchmark)
public abstract class ElementwiseState {

    @Param({"add", "axpy", "relu", "exp", "tanh", "sigmoid", "sum", "softmax", "biasRelu"})
    public String op;

    @Param({"1000", "100000", "10000000"})
    public int size;

    @Param({"1"})
    public int threads;

    float[] a;
    float[] b;
    float[] out;
    float[] bias;
    int rows;
    int cols;
    float sink;

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        a = new float[size];
        b = new float[size];
        out = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = rnd.nextFloat() * 8 - 4;
            b[i] = rnd.nextFloat() * 8 - 4;
        }
        rows = 64;
        cols = size / 64;
        bias = new float[cols];
        Parallelism.setThreads(threads);
    }

    /** The plain loops; {@code biasRelu}'s baseline is the unfused pair of vecgrad kernels. */
    float plainLoop() {
        ElementwiseState s = this;
        int n = s.size;
        float[] a = s.a;
        float[] b = s.b;
        float[] out = s.out;
        switch (s.op) {
            case "add" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] + b[i];
                }
            }
            case "axpy" -> {
                for (int i = 0; i < n; i++) {
                    out[i] += 1e-3f * a[i];
                }
            }
            case "relu" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Math.max(a[i], 0f);
                }
            }
            case "exp" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) Math.exp(a[i]);
                }
            }
            case "tanh" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) Math.tanh(a[i]);
                }
            }
            case "sigmoid" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) (1 / (1 + Math.exp(-a[i])));
                }
            }
            case "sum" -> {
                float acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += a[i];
                }
                s.sink += acc;
            }
            case "softmax" -> {
                for (int r = 0; r < s.rows; r++) {
                    int o = r * s.cols;
                    float mx = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < s.cols; j++) {
                        mx = Math.max(mx, a[o + j]);
                    }
                    float sum = 0;
                    for (int j = 0; j < s.cols; j++) {
                        out[o + j] = (float) Math.exp(a[o + j] - mx);
                        sum += out[o + j];
                    }
                    for (int j = 0; j < s.cols; j++) {
                        out[o + j] /= sum;
                    }
                }
            }
            case "biasRelu" -> {
                RowOps.addRowVector(a, 0, s.rows, s.cols, s.bias, 0, out, 0);
                Elementwise.relu(out, 0, out, 0, s.rows * s.cols);
            }
            default -> throw new IllegalArgumentException(s.op);
        }
        return out[0] + s.sink;
    }

}
