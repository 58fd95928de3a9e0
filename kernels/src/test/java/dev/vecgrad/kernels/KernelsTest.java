package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each implementation of {@link FloatKernels} and {@link DoubleKernels} (Vector API and scalar),
 * called directly, and the {@link Elementwise} facade (on whichever one {@link Backend} chose)
 * against the scalar reference. The elementwise maps are found by reflection (every interface
 * method that the facade also has), so a new row in {@code gen/elementwise.py}'s op table is
 * tested here without an edit: exactly rounded maps must equal the reference bit for bit; the
 * transcendental ones ({@link #APPROXIMATE}) have their error bounds in
 * {@code TranscendentalAccuracyTest}. The surefire execution {@code scalar-kernels} runs this
 * class and the facade tests again with {@code -Dvecgrad.scalar=true}.
 */
class KernelsTest {

    private static final int VL = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    private static final int[] LENGTHS = {0, 1, VL - 1, VL, VL + 1, 2 * VL + 3, 1000};
    /** The maps whose vector form is within a few ulp of the reference, not equal to it. */
    static final Set<String> APPROXIMATE = Set.of("exp", "log", "tanh", "sigmoid", "gelu", "geluTanh", "geluBackward",
            "geluTanhBackward");
    /** Scalar arguments: the first two for maps with one or two, Adam's hyperparameters for adamStep. */
    private static final double[] SCALARS = {-1.5, 2.5};
    private static final double[] ADAM = {1e-3, 0.9, 0.999, 1.3, 1e-8, 0.01, 0.999};

    static Stream<Arguments> implementations() {
        return Stream.of(Arguments.of("FloatSimd", FloatSimd.INSTANCE), Arguments.of("FloatScalar", FloatScalar.INSTANCE),
                Arguments.of("DoubleSimd", DoubleSimd.INSTANCE), Arguments.of("DoubleScalar", DoubleScalar.INSTANCE));
    }

    static Stream<Arguments> floatImplementations() {
        return Stream.of(Arguments.of("FloatSimd", FloatSimd.INSTANCE), Arguments.of("FloatScalar", FloatScalar.INSTANCE));
    }

    static Stream<Arguments> doubleImplementations() {
        return Stream.of(Arguments.of("DoubleSimd", DoubleSimd.INSTANCE), Arguments.of("DoubleScalar", DoubleScalar.INSTANCE));
    }

    private static Object reference(Object impl) {
        return impl instanceof FloatKernels ? FloatScalar.INSTANCE : DoubleScalar.INSTANCE;
    }

    /** The interface's elementwise maps: its methods that {@link Elementwise} has with the same parameters. */
    static List<Method> maps(Class<?> kernels) {
        List<Method> out = new ArrayList<>();
        for (Method m : kernels.getMethods()) {
            try {
                Elementwise.class.getMethod(m.getName(), m.getParameterTypes());
                out.add(m);
            } catch (NoSuchMethodException e) {
                // a row, reduction or conversion kernel: tested below
            }
        }
        out.sort((a, b) -> a.getName().compareTo(b.getName()));
        return out;
    }

    /**
     * Arguments for a map of n elements: every array awkward values of length off + n (a fresh
     * one each), the int after an array its offset, the last int n, scalars from SCALARS or ADAM.
     */
    static Object[] arguments(Method m, Random rnd, int off, int n) {
        Class<?>[] types = m.getParameterTypes();
        long scalars = Arrays.stream(types).filter(t -> t == float.class || t == double.class).count();
        double[] values = scalars > SCALARS.length ? ADAM : SCALARS;
        Object[] args = new Object[types.length];
        int s = 0;
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == float[].class) {
                args[i] = ElementwiseTest.awkward(rnd, off + n);
            } else if (t == double[].class) {
                args[i] = ElementwiseTest.toDouble(ElementwiseTest.awkward(rnd, off + n));
            } else if (t == int.class) {
                args[i] = i == types.length - 1 ? n : off;
            } else if (t == float.class) {
                args[i] = (float) values[s++];
            } else if (t == double.class) {
                args[i] = values[s++];
            } else {
                throw new AssertionError("no argument of type " + t + " for " + m);
            }
        }
        return args;
    }

    static Object[] copy(Object[] args) {
        Object[] c = args.clone();
        for (int i = 0; i < c.length; i++) {
            if (c[i] instanceof float[] f) {
                c[i] = f.clone();
            } else if (c[i] instanceof double[] d) {
                c[i] = d.clone();
            }
        }
        return c;
    }

    /** Every array argument the same to the bit after the call (NaN equal to NaN). */
    static void assertSameArrays(String what, Object[] want, Object[] got) {
        for (int i = 0; i < want.length; i++) {
            if (want[i] instanceof float[] w) {
                ElementwiseTest.assertBitwise(what + ", argument " + i, w, (float[]) got[i]);
            } else if (want[i] instanceof double[] w) {
                ElementwiseTest.assertBitwise(what + ", argument " + i, w, (double[]) got[i]);
            }
        }
    }

    static void invoke(Method m, Object target, Object[] args) {
        try {
            m.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        } catch (InvocationTargetException e) {
            throw new AssertionError(m + " threw", e.getCause());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void exactMapsEqualTheReferenceBitwiseAtEveryLengthAndOffset(String name, Object impl) {
        Class<?> kernels = impl instanceof FloatKernels ? FloatKernels.class : DoubleKernels.class;
        Random rnd = new Random(name.hashCode());
        int tested = 0;
        for (Method m : maps(kernels)) {
            if (APPROXIMATE.contains(m.getName())) {
                continue;
            }
            tested++;
            for (int n : LENGTHS) {
                for (int off = 0; off <= 3; off += 3) {
                    Object[] want = arguments(m, rnd, off, n);
                    Object[] got = copy(want);
                    invoke(m, reference(impl), want);
                    invoke(m, impl, got);
                    assertSameArrays(name + "." + m.getName() + " n=" + n + " off=" + off, want, got);
                }
            }
        }
        assertTrue(tested >= 21, "exact maps found in " + kernels.getSimpleName() + ": " + tested);
    }

    /** The facade's checks, offsets and splitting across threads (past GRAIN) change no bit of any map. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void theFacadeEqualsItsKernelsBitwiseAcrossTheSplit(String name, Object impl) throws NoSuchMethodException {
        boolean chosen = impl == Backend.FLOAT || impl == Backend.DOUBLE;
        Class<?> kernels = impl instanceof FloatKernels ? FloatKernels.class : DoubleKernels.class;
        // the facade runs Backend's implementation only; the other one in the other surefire execution
        assumeTrue(chosen, name + " is not the implementation Backend chose in this JVM");
        Random rnd = new Random(7);
        for (Method m : maps(kernels)) {
            Method facade = Elementwise.class.getMethod(m.getName(), m.getParameterTypes());
            for (int n : new int[] {VL + 1, Elementwise.GRAIN + 17, 2 * Elementwise.GRAIN + Elementwise.SPLIT / 2}) {
                Object[] want = arguments(m, rnd, 3, n);
                Object[] got = copy(want);
                invoke(m, impl, want);
                invoke(facade, null, got);
                assertSameArrays("Elementwise." + m.getName() + "(" + kernels.getSimpleName() + ") n=" + n, want, got);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("floatImplementations")
    void rowsReductionsAndConversionsOfFloatEqualTheReference(String name, FloatKernels k) {
        FloatKernels ref = FloatScalar.INSTANCE;
        Random rnd = new Random(11);
        for (int[] shape : new int[][] {{1, 1}, {3, VL - 1}, {5, VL + 1}, {7, 2 * VL + 3}, {30, 100}}) {
            int rows = shape[0];
            int cols = shape[1];
            float[] x = ElementwiseTest.awkward(rnd, 2 + rows * cols);
            float[] v = ElementwiseTest.awkward(rnd, 1 + cols);
            for (boolean relu : new boolean[] {false, true}) {
                float[] want = new float[rows * cols + 1];
                float[] got = new float[rows * cols + 1];
                ref.addRow(x, 2, rows, cols, v, 1, relu, want, 1);
                k.addRow(x, 2, rows, cols, v, 1, relu, got, 1);
                ElementwiseTest.assertBitwise(name + ".addRow relu=" + relu + " " + rows + "x" + cols, want, got);
            }
            float[] want = new float[rows * cols];
            float[] got = new float[rows * cols];
            ref.mulRow(x, 2, rows, cols, v, 1, want, 0);
            k.mulRow(x, 2, rows, cols, v, 1, got, 0);
            ElementwiseTest.assertBitwise(name + ".mulRow " + rows + "x" + cols, want, got);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] ws = Arrays.copyOf(v, cols + 1);
                float[] gs = ws.clone();
                ref.columnSums(x, 2, rows, cols, 0, cols, ws, 1, accumulate);
                k.columnSums(x, 2, rows, cols, 0, cols, gs, 1, accumulate);
                ElementwiseTest.assertBitwise(name + ".columnSums " + rows + "x" + cols, ws, gs);
            }
        }
        for (int n : LENGTHS) {
            float[] x = ElementwiseTest.awkward(rnd, n + 1);
            assertEquals(Float.floatToIntBits(ref.max(x, 1, n)), Float.floatToIntBits(k.max(x, 1, n)), name + ".max n=" + n);
            for (float value : new float[] {Float.NaN, n > 0 ? x[n] : 0f, 12345f}) {
                assertEquals(ref.indexOf(x, 1, n, value), k.indexOf(x, 1, n, value), name + ".indexOf " + value + " n=" + n);
            }
            byte[] px = new byte[n + 2];
            rnd.nextBytes(px);
            float[] wantPx = new float[n];
            float[] gotPx = new float[n];
            ref.unsignedBytesToFloats(px, 2, wantPx, 0, n, 1f / 255, -0.5f);
            k.unsignedBytesToFloats(px, 2, gotPx, 0, n, 1f / 255, -0.5f);
            ElementwiseTest.assertBitwise(name + ".unsignedBytesToFloats n=" + n, wantPx, gotPx);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("doubleImplementations")
    void rowsAndReductionsOfDoubleEqualTheReference(String name, DoubleKernels k) {
        DoubleKernels ref = DoubleScalar.INSTANCE;
        Random rnd = new Random(12);
        for (int[] shape : new int[][] {{1, 1}, {3, VL - 1}, {7, 2 * VL + 3}, {30, 100}}) {
            int rows = shape[0];
            int cols = shape[1];
            double[] x = ElementwiseTest.toDouble(ElementwiseTest.awkward(rnd, rows * cols));
            double[] v = ElementwiseTest.toDouble(ElementwiseTest.awkward(rnd, cols));
            double[] want = new double[rows * cols];
            double[] got = new double[rows * cols];
            ref.addRow(x, 0, rows, cols, v, 0, true, want, 0);
            k.addRow(x, 0, rows, cols, v, 0, true, got, 0);
            ElementwiseTest.assertBitwise(name + ".addRow", want, got);
            ref.mulRow(x, 0, rows, cols, v, 0, want, 0);
            k.mulRow(x, 0, rows, cols, v, 0, got, 0);
            ElementwiseTest.assertBitwise(name + ".mulRow", want, got);
            double[] ws = new double[cols];
            double[] gs = new double[cols];
            ref.columnSums(x, 0, rows, cols, 0, cols, ws, 0, false);
            k.columnSums(x, 0, rows, cols, 0, cols, gs, 0, false);
            ElementwiseTest.assertBitwise(name + ".columnSums", ws, gs);
        }
        for (int n : LENGTHS) {
            double[] x = ElementwiseTest.toDouble(ElementwiseTest.awkward(rnd, n + 1));
            assertEquals(Double.doubleToLongBits(ref.max(x, 1, n)), Double.doubleToLongBits(k.max(x, 1, n)), name + ".max n=" + n);
            assertEquals(ref.indexOf(x, 1, n, Double.NaN), k.indexOf(x, 1, n, Double.NaN), name + ".indexOf NaN n=" + n);
        }
    }

    /** Sums and dot products of one chunk within the rounding bound of their order; softmax rows sum to 1. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("floatImplementations")
    void chunkSumsAndSoftmaxAreWithinTheirRoundingBounds(String name, FloatKernels k) {
        Random rnd = new Random(13);
        for (int n : new int[] {0, 1, VL + 1, 1000, Elementwise.CHUNK}) {
            float[] a = ReductionsTest.uniform(rnd, n, 3f);
            float[] b = ReductionsTest.uniform(rnd, n, 3f);
            double exactSum = 0;
            double exactDot = 0;
            double absSum = 0;
            double absDot = 0;
            for (int i = 0; i < n; i++) {
                exactSum += a[i];
                exactDot += (double) a[i] * b[i];
                absSum += Math.abs(a[i]);
                absDot += Math.abs((double) a[i] * b[i]);
            }
            double tol = n * Math.ulp(1f);
            assertEquals(exactSum, k.sum(a, 0, n), tol * absSum + 1e-6, name + ".sum n=" + n);
            assertEquals(exactDot, k.dot(a, 0, b, 0, n), tol * absDot + 1e-6, name + ".dot n=" + n);
        }
        float[] x = ReductionsTest.uniform(rnd, 5 * 37, 20f);
        float[] p = new float[x.length];
        k.rowSoftmax(x, 0, 5, 37, p, 0, false);
        for (int r = 0; r < 5; r++) {
            double s = 0;
            for (int j = 0; j < 37; j++) {
                s += p[r * 37 + j];
            }
            assertEquals(1.0, s, 1e-5, name + ".rowSoftmax row " + r);
        }
    }
}
