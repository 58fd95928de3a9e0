package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Broadcast binary ops whose smaller operand repeats one value over long runs (a per-channel
 * [1, C, 1, 1] against [N, C, H, W]) run as scalar maps per run, and such broadcasts are gathered
 * with one fill per run: both against the element-by-element definition, bit for bit, in both
 * dtypes, with the small operand second and (add, mul) first, and on non-contiguous operands.
 */
class BroadcastTest {

    /** a (op) b by its definition: every output element from its two broadcast inputs. */
    private static double[] reference(Tensor a, Tensor b, char op, int[] shape, DType dtype) {
        Tensor ea = a.expand(shape).contiguous();
        Tensor eb = b.expand(shape).contiguous();
        double[] x = ea.toDoubleArray();
        double[] y = eb.toDoubleArray();
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            double r = switch (op) {
                case '+' -> x[i] + y[i];
                case '-' -> x[i] - y[i];
                case '*' -> x[i] * y[i];
                default -> x[i] / y[i];
            };
            out[i] = dtype == DType.F32 ? floatOp((float) x[i], (float) y[i], op) : r;
        }
        return out;
    }

    private static float floatOp(float x, float y, char op) {
        return switch (op) {
            case '+' -> x + y;
            case '-' -> x - y;
            case '*' -> x * y;
            default -> x / y;
        };
    }

    private static Tensor apply(Tensor a, Tensor b, char op) {
        return switch (op) {
            case '+' -> a.add(b);
            case '-' -> a.sub(b);
            case '*' -> a.mul(b);
            default -> a.div(b);
        };
    }

    @Test
    void perChannelAndTrailingBroadcastsMatchTheDefinition() {
        int[][][] cases = {{{3, 5, 6, 7}, {1, 5, 1, 1}}, {{2, 4, 9, 8}, {4, 1, 1}}, {{4, 3, 20}, {4, 1, 1}}, {{6, 33}, {6, 1}},
                {{2, 3, 4, 5}, {3, 4, 1}}, {{2, 17, 3}, {1}}};
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            Random rng = new Random(3);
            for (int[][] c : cases) {
                Tensor a = Tensor.randn(rng, dtype, c[0]);
                Tensor b = Tensor.randn(rng, dtype, c[1]);
                for (char op : new char[] {'+', '-', '*', '/'}) {
                    double[] want = reference(a, b, op, c[0], dtype);
                    assertArrayEquals(want, apply(a, b, op).toDoubleArray(), 0, op + " " + dtype + " " + java.util.Arrays.toString(c[1]));
                    if (op == '+' || op == '*') {
                        assertArrayEquals(want, apply(b, a, op).toDoubleArray(), 0, "small first, " + op + " " + dtype);
                    }
                }
                // the broadcast gathered on its own (expand then a contiguous copy)
                double[] expanded = b.expand(c[0]).contiguous().toDoubleArray();
                assertEquals(Shapes.numel(c[0]), expanded.length);
            }
        }
    }

    @Test
    void nonContiguousFullOperands() {
        Random rng = new Random(4);
        Tensor a = Tensor.randn(rng, DType.F32, 5, 3, 6, 7).transpose(2, 3);   // [5, 3, 7, 6], not contiguous
        Tensor b = Tensor.randn(rng, DType.F32, 1, 3, 1, 1);
        int[] shape = {5, 3, 7, 6};
        for (char op : new char[] {'+', '-', '*', '/'}) {
            assertArrayEquals(reference(a, b, op, shape, DType.F32), apply(a, b, op).toDoubleArray(), 0, String.valueOf(op));
        }
    }
}
