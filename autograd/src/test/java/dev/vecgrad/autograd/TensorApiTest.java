package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API a PyTorch user expects, and the defects found while checking it against PyTorch:
 * gradients never shared, seeds copied, saved tensors guarded by a version counter, custom
 * ops through {@link Function}, N-D views, printing and the scalar dtype rule.
 */
class TensorApiTest {

    private static Tensor f64(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void twoLeavesOfOneSumGetGradientsOfTheirOwn() {
        Tensor a = f64(1, 2).requiresGrad(true);
        Tensor b = f64(3, 4).requiresGrad(true);
        a.add(b).sum().backward();
        assertNotSame(a.grad(), b.grad());
        assertTrue(a.grad().storage != b.grad().storage, "one storage behind two .grad");
        InPlace.scale(0.5, a.grad());
        assertArrayEquals(new double[] {1, 1}, b.grad().toDoubleArray(), "scaling a.grad leaves b.grad alone");
    }

    @Test
    void backwardCopiesTheCallersSeed() {
        double[] buffer = {1, 1};
        Tensor seed = Tensor.fromArray(buffer, 2);
        Tensor p = f64(5, 6).requiresGrad(true);
        p.backward(seed);
        buffer[0] = 100;
        assertArrayEquals(new double[] {1, 1}, p.grad().toDoubleArray());
        Tensor q = f64(5, 6).requiresGrad(true);
        Tensor y = q.mul(1.0);
        y.backward(seed);
        buffer[1] = -7;
        assertArrayEquals(new double[] {100, 1}, q.grad().toDoubleArray(), "the gradient is the seed's value at backward time");
    }

    @Test
    void setGradCopiesAndChecksTheShape() {
        Tensor p = f64(1, 2, 3).requiresGrad(true);
        Tensor g = f64(0.5, 0.5, 0.5);
        p.setGrad(g);
        assertArrayEquals(g.toDoubleArray(), p.grad().toDoubleArray());
        assertTrue(p.grad().storage != g.storage);
        var e = assertThrows(IllegalArgumentException.class, () -> p.setGrad(f64(1, 2)));
        assertEquals("setGrad: the gradient is [2] float64, the tensor [3] float64", e.getMessage());
        p.setGrad(null);
        assertEquals(null, p.grad());
    }

    @Test
    void backwardRefusesASavedTensorWrittenInPlace() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        Tensor w = Tensor.of(new float[] {1, 1}, 2).requiresGrad(true);
        Tensor l = x.mul(w).sum();
        x.floatData()[0] = 100;
        var e = assertThrows(IllegalStateException.class, l::backward);
        assertTrue(e.getMessage().startsWith("backward: a tensor [2] that 'mul' saved for its gradient was modified in place"),
                e.getMessage());

        Tensor y = Tensor.of(new float[] {1, 2}, 2);
        Tensor l2 = y.mul(w).sum();
        y.copyFrom(Tensor.of(new float[] {3, 4}, 2));
        assertThrows(IllegalStateException.class, l2::backward);

        Tensor z = Tensor.of(new float[] {1, 2}, 2);
        Tensor l3 = z.add(w).sum();
        z.copyFrom(Tensor.of(new float[] {3, 4}, 2));
        l3.backward();
        assertArrayEquals(new float[] {1, 1}, w.grad().toFloatArray(), "add saves nothing: writing its input is harmless");
    }

    @Test
    void crossEntropyKeepsItsOwnCopyOfTheLabels() {
        int[] labels = {0, 2};
        Tensor logits = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor loss = Losses.crossEntropy(logits, labels);
        labels[0] = 1;
        labels[1] = 99;
        loss.backward();
        Tensor again = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Losses.crossEntropy(again, new int[] {0, 2}).backward();
        assertArrayEquals(again.grad().toDoubleArray(), logits.grad().toDoubleArray());
    }

    private static final Function SWISH = Function.of("swish", (ctx, in) -> {
        Tensor s = in[0].sigmoid();
        ctx.saveForBackward(in[0], s);
        return in[0].mul(s);
    }, (ctx, g) -> {
        Tensor x = ctx.saved(0);
        Tensor s = ctx.saved(1);
        return new Tensor[] {g.mul(s.mul(x.mul(s.rsub(1)).add(1)))};
    });

    @Test
    void aUserDefinedFunctionIsOneNodeAndPassesGradCheck() {
        Tensor x = Tensor.randn(3, DType.F64, 4, 5);
        GradCheck.check(in -> SWISH.apply(in[0]), x);
        Tensor y = SWISH.apply(x.requiresGrad(true));
        assertEquals("swish", y.gradFn());
        y.sum().backward();
        assertEquals(20, x.grad().numel());
    }

    @Test
    void aFunctionsMistakesAreNamed() {
        Function wrongShape = Function.of("twice", (ctx, in) -> in[0].mul(2), (ctx, g) -> new Tensor[] {g.sum()});
        Tensor x = f64(1, 2, 3).requiresGrad(true);
        var e = assertThrows(IllegalStateException.class, () -> wrongShape.apply(x).sum().backward());
        assertEquals("twice: backward returned a gradient [] float64 for input 0, which is [3] float64", e.getMessage());

        Function tooFew = Function.of("pair", (ctx, in) -> in[0].add(in[1]), (ctx, g) -> new Tensor[] {g});
        Tensor y = f64(1, 2, 3).requiresGrad(true);
        var f = assertThrows(IllegalStateException.class, () -> tooFew.apply(x, y).sum().backward());
        assertEquals("pair: backward returned 1 gradients for 2 inputs", f.getMessage());

        Tensor w = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor out = SWISH.apply(w.requiresGrad(true));
        w.doubleData()[0] = 9;
        var g = assertThrows(IllegalStateException.class, () -> out.sum().backward());
        assertTrue(g.getMessage().contains("that 'swish' saved for its gradient was modified in place"), g.getMessage());
    }

    @Test
    void aForwardTensorReturnedAsAGradientIsCopiedBeforeItBecomesAGrad() {
        Function identityLeaky = Function.of("leaky", (ctx, in) -> {
            ctx.saveForBackward(in[0]);
            return in[0].mul(1.0);
        }, (ctx, g) -> new Tensor[] {ctx.saved(0)});
        Tensor x = f64(1, 2).requiresGrad(true);
        identityLeaky.apply(x).sum().backward();
        assertArrayEquals(new double[] {1, 2}, x.grad().toDoubleArray());
        assertTrue(x.grad().storage != x.storage, "the gradient does not alias the input");
    }

    @Test
    void expandAndPermuteAreViewsAndMatmulBroadcastsItsBatch() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor e = a.expand(2, 3, 4);
        assertSame(a.storage, e.storage, "expand does not copy");
        assertArrayEquals(new int[] {2, 3, 4}, e.shape());
        assertEquals(3, e.get(1, 2, 3));
        Tensor p = Tensor.arange(0, 24, 1).reshape(2, 3, 4).permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertEquals(13, p.get(1, 1, 0));
        Tensor m = Tensor.ones(5, 1, 2, 3).matmul(Tensor.ones(4, 3, 6));
        assertArrayEquals(new int[] {5, 4, 2, 6}, m.shape());
        assertEquals(3, m.get(4, 3, 1, 5));
        assertArrayEquals(new int[] {}, Tensor.ones(3).matmul(Tensor.ones(3)).shape(), "1-D x 1-D is a dot product");
        assertArrayEquals(new int[] {2}, Tensor.ones(2, 3).matmul(Tensor.ones(3)).shape());
        var x = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 2, 3).matmul(Tensor.ones(3, 3, 4)));
        assertTrue(x.getMessage().startsWith("matmul (batch dimensions): shapes [2] and [3] cannot be broadcast"), x.getMessage());
    }

    @Test
    void squeezeSplitChunkAndSelectionFollowPyTorch() {
        Tensor t = Tensor.zeros(3, 1, 4, 1);
        assertArrayEquals(new int[] {3, 4}, t.squeeze().shape());
        assertArrayEquals(new int[] {3, 4, 1}, t.squeeze(1).shape());
        assertArrayEquals(new int[] {3, 1, 4, 1}, t.squeeze(0).shape(), "a dimension of size > 1 stays");
        assertArrayEquals(new int[] {1, 3}, Tensor.zeros(3).unsqueeze(0).shape());
        assertArrayEquals(new int[] {3, 1}, Tensor.zeros(3).unsqueeze(-1).shape());
        List<Tensor> pieces = Tensor.zeros(7, 2).chunk(3, 0);
        assertEquals(List.of(3, 3, 1), pieces.stream().map(s -> s.size(0)).toList());
        assertEquals(List.of(2, 2, 1), Tensor.zeros(3, 5).split(2, 1).stream().map(s -> s.size(1)).toList());
        Tensor v = Tensor.of(new float[] {1, 5, 3}, 3);
        assertArrayEquals(new float[] {0, 1, 1}, v.gt(2).toFloatArray());
        assertArrayEquals(new float[] {1, -1, 3}, v.maskedFill(v.gt(4), -1).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 3}, Tensor.where(v.lt(4), v, Tensor.scalar(0f)).toFloatArray());
        Tensor table = Tensor.of(new float[] {0, 0, 1, 1, 2, 2}, 3, 2);
        Tensor rows = Tensor.embedding(Tensor.of(new float[] {2, 0, 2, 1}, 2, 2), table);
        assertArrayEquals(new int[] {2, 2, 2}, rows.shape());
        assertArrayEquals(new float[] {2, 2, 0, 0, 2, 2, 1, 1}, rows.toFloatArray());
        var bad = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.embedding(Tensor.of(new float[] {3}, 1), table));
        assertEquals("embedding: index 3.0 (element 0 of the index [1]) is not a whole number in [0, 3) for an embedding of 3 rows",
                bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> v.maskedFill(Tensor.of(new float[] {0.5f, 0, 1}, 3), 0));
    }

    @Test
    void aPyTorchUsersConveniences() {
        assertEquals(DType.F32, Tensor.zeros(2, 3).dtype(), "float32 by default");
        Tensor m = Tensor.ones(2, 2);
        assertEquals(DType.F32, m.mul(Tensor.scalar(2.0)).dtype(), "a float64 0-d tensor takes the matrix's dtype");
        assertEquals(DType.F32, Tensor.scalar(2.0).add(m).dtype());
        assertThrows(IllegalArgumentException.class, () -> m.add(Tensor.ones(DType.F64, 2, 2)), "dimensioned tensors never mix");
        assertArrayEquals(new float[] {2, 1}, Tensor.of(new float[] {1, 2}, 2).rdiv(2).toFloatArray());
        var big = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F32, 65536, 65536, 65536, 65536));
        assertTrue(big.getMessage().startsWith("shape [65536, 65536, 65536, 65536] has more elements than an array holds"),
                big.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1e10, 1));
        assertTrue(range.getMessage().contains("more than an array holds"), range.getMessage());
    }

    @Test
    void tensorsPrintAsPyTorchPrintsThem() {
        assertEquals("tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]])", Tensor.of(new float[] {1, 2.5f, 3, 4}, 2, 2).toString());
        assertEquals("tensor(3.5000)", Tensor.scalar(3.5f).toString());
        assertEquals("tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)", f64(1, 2, 3).requiresGrad(true).toString());
        assertEquals("tensor([1.0000e-06, 1.0000e+00, 1.0000e+03])", Tensor.of(new float[] {1e-6f, 1, 1000}, 3).toString());
        Tensor big = Tensor.arange(0, 2000, 1).reshape(40, 50);
        String s = big.toString();
        assertTrue(s.startsWith("tensor([[   0.,    1.,    2.,  ...,   47.,   48.,   49.],\n        [  50.,"), s);
        assertTrue(s.contains("        ...,\n"), s);
        assertEquals("tensor([2.], grad_fn=<mul>)", Tensor.ones(1).requiresGrad(true).mul(2).toString());
    }

    @Test
    void argmaxAlongAnyDimensionTakesTheFirstMaximumAndNaNFirst() {
        java.util.Random rnd = new java.util.Random(5);
        double[] v = new double[2 * 5 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(4);
        }
        v[7] = Double.NaN;
        Tensor t = Tensor.of(v, 2, 5, 3, 4);
        for (int dim = 0; dim < 4; dim++) {
            int[] got = t.argmax(dim);
            int[] shape = t.shape();
            int size = shape[dim];
            int inner = 1;
            for (int k = dim + 1; k < 4; k++) {
                inner *= shape[k];
            }
            for (int o = 0; o < got.length; o++) {
                int base = o / inner * size * inner + o % inner;
                int best = 0;
                for (int j = 1; j < size; j++) {
                    double b = v[base + best * inner];
                    double x = v[base + j * inner];
                    if (!Double.isNaN(b) && (x > b || Double.isNaN(x))) {
                        best = j;
                    }
                }
                assertEquals(best, got[o], "dim " + dim + " position " + o);
            }
        }
    }

    @Test
    void aBackwardThatFailsHalfWayLeavesNothingForTheNextOne() {
        Tensor w = Tensor.ones(DType.F64, 2).requiresGrad(true);
        Tensor e = w.exp();
        Tensor loss = e.sum().add(w.sum());
        e.copyFrom(Tensor.zeros(DType.F64, 2));
        assertThrows(IllegalStateException.class, loss::backward);
        w.zeroGrad();
        w.sum().backward();
        assertArrayEquals(new double[] {1, 1}, w.grad().toDoubleArray());
    }

    @Test
    void aFunctionKeepsItsOwnCopyOfTheInputArray() {
        Tensor x = f64(1, 2).requiresGrad(true);
        Tensor z = f64(5, 5).requiresGrad(true);
        Tensor[] args = {x};
        Tensor y = SWISH.apply(args);
        args[0] = z;
        y.sum().backward();
        assertTrue(x.grad() != null && z.grad() == null, "backward goes to the tensor given at apply time");
    }

    @Test
    void emptyTensorsAndScalarsBehaveAsInPyTorch() {
        Tensor a = Tensor.zeros(DType.F64, 2, 0).requiresGrad(true);
        Tensor b = Tensor.zeros(DType.F64, 0).requiresGrad(true);
        a.add(b).sum().backward();
        assertArrayEquals(new int[] {0}, b.grad().shape());
        Tensor c = Tensor.zeros(DType.F64, 1, 0).requiresGrad(true);
        c.expand(3, 0).sum().backward();
        assertArrayEquals(new int[] {1, 0}, c.grad().shape());
        assertArrayEquals(new int[] {0, 12}, Tensor.zeros(0, 3, 4).flatten(1).shape());
        assertArrayEquals(new int[] {2, 1, 5}, Tensor.zeros(2, 1, 0).matmul(Tensor.zeros(0, 5)).shape());

        Tensor s = Tensor.scalar(2f);
        assertEquals("tensor(1.)", s.softmax(-1).toString());
        assertEquals(2, s.sum(0, false).item());
        assertEquals(2, s.max(0, false).item());
        assertArrayEquals(new int[] {}, s.squeeze(0).shape());
        assertArrayEquals(new int[] {}, s.transpose(0, -1).shape());
        assertArrayEquals(new int[] {1}, s.flatten().shape());
        var e = assertThrows(IllegalArgumentException.class, () -> s.size(0));
        assertEquals("size: the tensor is 0-d (a scalar) and has no dimension 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.slice(0, 0, 1));
        assertEquals(DType.F64, Tensor.scalar(1f).add(Tensor.scalar(1.0)).dtype(), "two scalars promote to float64");
        assertEquals(21, Tensor.arange(0, 7, 1).reshape(1, 7).sum(new int[0], false).item(), "an empty dim list sums everything");
    }

    @Test
    void scatterAddEmbeddingAndExpandSayWhatIsWrong() {
        Tensor src = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).scatterAdd(0, Tensor.of(new float[] {0, 1}, 2), src));
        assertEquals("scatterAdd: src [2, 2] must have the rank of the index [2]", e.getMessage());
        Tensor table = Tensor.of(new double[] {0, 0, 1, 1, 2, 2}, 3, 2).requiresGrad(true);
        Tensor.embedding(Tensor.of(new float[] {2, 0, 2}, 3), table, -1).sum().backward();
        assertArrayEquals(new double[] {1, 1, 0, 0, 0, 0}, table.grad().toDoubleArray(), "padding -1 is the last row, as in PyTorch");
        var x = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4).expand(-5, 4));
        assertEquals("expand: invalid size -5 in [-5, 4]", x.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(4)));
        assertEquals("matmul: shapes [3] and [4] do not align (3 != 4)", m.getMessage());
    }

    @Test
    void retainGradKeepsAnIntermediateGradient() {
        Tensor w = f64(2).requiresGrad(true);
        Tensor h = w.mul(3).retainGrad();
        h.mul(h).sum().backward();
        assertArrayEquals(new double[] {12}, h.grad().toDoubleArray(), "dL/dh = 2h = 12");
        assertArrayEquals(new double[] {36}, w.grad().toDoubleArray());
        assertThrows(IllegalStateException.class, () -> f64(1).mul(2).retainGrad());
    }
}
