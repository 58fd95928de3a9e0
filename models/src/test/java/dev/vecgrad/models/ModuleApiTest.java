package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.activation.GELU;
import dev.vecgrad.models.activation.LeakyReLU;
import dev.vecgrad.models.activation.ReLU;
import dev.vecgrad.models.dropout.Dropout;
import dev.vecgrad.models.linear.Flatten;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.norm.BatchNorm1d;
import dev.vecgrad.models.norm.LayerNorm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Modules with several inputs and a state, nested names, and PyTorch's print(model). */
class ModuleApiTest {

    /** A recurrent-style cell: h' = tanh(W_ih x + W_hh h), two inputs and a state out. */
    static final class Cell extends Module {
        final Linear ih;
        final Linear hh;

        Cell(int in, int hidden, Random rng) {
            ih = register("ih", new Linear(in, hidden, true, DType.F64, rng));
            hh = register("hh", new Linear(hidden, hidden, false, DType.F64, rng));
        }

        Tensor forward(Tensor x, Tensor h) {
            return ih.forward(x).add(hh.forward(h)).tanh();
        }
    }

    /** A model owning the cell under "encoder", run over a sequence. */
    static final class Encoder extends Module {
        final Cell cell;

        Encoder(Random rng) {
            cell = register("encoder", new Cell(3, 4, rng));
        }

        Tensor forward(List<Tensor> steps, Tensor h0) {
            Tensor h = h0;
            for (Tensor x : steps) {
                h = cell.forward(x, h);
            }
            return h;
        }
    }

    @Test
    void aModuleWithSeveralInputsAndAStateTrainsAndNamesItsParametersByPath() {
        Random rng = new Random(1);
        Encoder enc = new Encoder(rng);
        assertEquals(List.of("encoder.ih.weight", "encoder.ih.bias", "encoder.hh.weight"), List.copyOf(enc.stateDict().keySet()));
        List<Tensor> steps = List.of(Tensor.randn(2, DType.F64, 5, 3), Tensor.randn(3, DType.F64, 5, 3));
        Tensor h = enc.forward(steps, Tensor.zeros(DType.F64, 5, 4));
        h.sum().backward();
        for (Tensor p : enc.parameters()) {
            assertNotNull(p.grad(), "every parameter gets a gradient through the state");
        }
        recurrentWeightMatchesFiniteDifferences(enc, steps);
    }

    /** Central differences on W_hh of the multi-input module (ModuleGradCheck covers one-input modules). */
    private static void recurrentWeightMatchesFiniteDifferences(Encoder enc, List<Tensor> steps) {
        {
            Tensor h0 = Tensor.zeros(DType.F64, 5, 4);
            for (Tensor p : enc.parameters()) {
                p.zeroGrad();
            }
            enc.forward(steps, h0).sum().backward();
            Tensor w = enc.cell.hh.weight;
            double[] analytic = w.grad().toDoubleArray();
            for (int i = 0; i < analytic.length; i += 3) {
                double saved = w.get(i / 4, i % 4);
                w.doubleData()[i] = saved + 1e-6;
                double plus = enc.forward(steps, h0).sum().item();
                w.doubleData()[i] = saved - 1e-6;
                double minus = enc.forward(steps, h0).sum().item();
                w.doubleData()[i] = saved;
                assertEquals((plus - minus) / 2e-6, analytic[i], 1e-6, "d/dW_hh element " + i);
            }
        }
    }

    @Test
    void sequentialAcceptsOnlyOneInputModulesAndTheOthersSaySo() {
        Cell cell = new Cell(3, 4, new Random(1));
        assertFalse(cell.takesOneInput());
        assertTrue(new ReLU().takesOneInput());
        var e = assertThrows(IllegalArgumentException.class, () -> new Sequential(new ReLU(), cell));
        assertEquals("Sequential: Cell takes several inputs or a state; only one-input modules can be chained", e.getMessage());
        var u = assertThrows(UnsupportedOperationException.class, () -> cell.forward(Tensor.zeros(DType.F64, 1, 3)));
        assertTrue(u.getMessage().startsWith("Cell does not take a single input"), u.getMessage());
    }

    static final class Net extends Module {
        Net(Random rng) {
            register("flatten", new Flatten());
            register("stack", new Sequential(new Linear(784, 128, rng), new ReLU(), new Dropout(0.2, rng),
                    new Linear(128, 10, rng), new LeakyReLU(0.1), new BatchNorm1d(10), new LayerNorm(10),
                    new GELU()));
        }
    }

    @Test
    void printingAModelShowsTheTreeAsPyTorchsPrintDoes() {
        // the text PyTorch 1.13 prints for the same nn.Module tree
        String torch = """
                Net(
                  (flatten): Flatten(start_dim=1, end_dim=-1)
                  (stack): Sequential(
                    (0): Linear(in_features=784, out_features=128, bias=True)
                    (1): ReLU()
                    (2): Dropout(p=0.2, inplace=False)
                    (3): Linear(in_features=128, out_features=10, bias=True)
                    (4): LeakyReLU(negative_slope=0.1)
                    (5): BatchNorm1d(10, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                    (6): LayerNorm((10,), eps=1e-05, elementwise_affine=True)
                    (7): GELU(approximate='none')
                  )
                )""";
        assertEquals(torch, new Net(new Random(0)).toString());
        assertEquals("Net()", new Net(new Random(0)).summary());
        assertEquals("Linear(in_features=3, out_features=4, bias=False)", new Linear(3, 4, false, DType.F32, new Random(0)).toString());
    }
}
