package dev.vecgrad.fuzz;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.GradCheck;
import dev.vecgrad.autograd.Tensor;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Gradient fuzzing: random expression DAGs ({@link Expr}) of the op catalogue's ops over
 * random broadcast-compatible inputs. Every gradient passes {@link GradCheck} in float64, and
 * the float32 forward agrees with the float64 one. A failure shrinks to a minimal
 * expression, reported as Java code to paste. Tries per property: {@code -Dfuzz.tries=N}
 * (5,000 by default, so a CI run checks 10,000 DAGs).
 */
class GradientProperties {

    @Property
    void everyExpressionPassesGradCheck(@ForAll("programs") List<Integer> choices, @ForAll long seed) {
        Expr.Program program = Expr.decode(choices);
        Tensor[] inputs = inputs(program, seed, DType.F64);
        try {
            GradCheck.check(x -> program.expr().eval(x).sum(), inputs);
        } catch (AssertionError e) {
            throw new AssertionError("\n" + program.code(inputs) + "\nGradCheck.check(x -> ..., x0, ...) says: " + e.getMessage(), e);
        }
    }

    @Property
    void float32ForwardAgreesWithFloat64(@ForAll("programs") List<Integer> choices, @ForAll long seed) {
        Expr.Program program = Expr.decode(choices);
        Tensor[] x64 = inputs(program, seed, DType.F64);
        double[] f64 = program.expr().eval(x64).toDoubleArray();
        double[] f32 = program.expr().eval(inputs(program, seed, DType.F32)).toDoubleArray();
        for (int i = 0; i < f64.length; i++) {
            double tol = 1e-4 * (1 + Math.abs(f64[i]));
            if (!(Math.abs(f64[i] - f32[i]) <= tol)) {
                throw new AssertionError("\n" + program.code(x64) + "\nelement " + i + ": float64 " + f64[i] + ", float32 " + f32[i]);
            }
        }
    }

    /** Inputs with magnitudes in [0.1, 2] (away from the kinks of relu and abs) and random signs. */
    static Tensor[] inputs(Expr.Program program, long seed, DType dtype) {
        Random rnd = new Random(seed);
        Tensor[] xs = new Tensor[program.inputShapes().length];
        for (int i = 0; i < xs.length; i++) {
            int[] shape = program.inputShapes()[i];
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            double[] v = new double[n];
            for (int j = 0; j < n; j++) {
                v[j] = (0.1 + 1.9 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
            }
            xs[i] = Tensor.of(v, shape).to(dtype);
        }
        return xs;
    }

    @Provide
    Arbitrary<List<Integer>> programs() {
        return Arbitraries.integers().between(0, 1000).list().ofMinSize(8).ofMaxSize(80);
    }
}
