package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The op catalogue: every case's gradient by finite differences, float32 against float64, and no public op without a case. */
class OpCatalogTest {

    /** Public Tensor methods that return tensors but are not ops: factories, autograd state, copies into a tensor. */
    private static final Set<String> NOT_OPS = Set.of("of", "fromArray", "scalar", "zeros", "ones", "full", "randn", "rand",
            "arange", "grad", "requiresGrad", "retainGrad", "copyFrom", "detach");

    @Test
    void everyCasePassesGradCheck() {
        int checked = 0;
        for (OpCatalog.Case c : OpCatalog.all()) {
            if (!c.differentiable() || !c.finiteDifferences()) {
                continue;
            }
            Tensor[] all = OpReferenceTest.inputs(c);
            int[] diff = c.inputs().stream().filter(OpCatalog.Input::differentiable).mapToInt(in -> c.inputs().indexOf(in)).toArray();
            Tensor[] checkedInputs = new Tensor[diff.length];
            for (int k = 0; k < diff.length; k++) {
                checkedInputs[k] = all[diff[k]];
            }
            Function<Tensor[], Tensor> f = x -> {
                Tensor[] args = all.clone();
                for (int k = 0; k < diff.length; k++) {
                    args[diff[k]] = x[k];
                }
                return c.op().apply(args);
            };
            try {
                GradCheck.check(f, checkedInputs);
            } catch (AssertionError e) {
                throw new AssertionError(c.name() + " (" + c.javaCode() + "): " + e.getMessage(), e);
            }
            checked++;
        }
        assertTrue(checked > 100, "checked " + checked + " cases");
    }

    @Test
    void float32AgreesWithFloat64OnEveryCase() {
        for (OpCatalog.Case c : OpCatalog.all()) {
            Tensor[] x64 = OpReferenceTest.inputs(c);
            Tensor[] x32 = new Tensor[x64.length];
            for (int i = 0; i < x64.length; i++) {
                x32[i] = x64[i].to(DType.F32);
            }
            Tensor y64 = c.op().apply(x64);
            Tensor y32 = c.op().apply(x32);
            assertEquals(DType.F32, y32.dtype(), c.name() + ": float32 in, float32 out");
            double[] a = y64.toDoubleArray();
            double[] b = y32.toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                double tol = 1e-4 * (1 + Math.abs(a[i]));
                assertTrue(Math.abs(a[i] - b[i]) <= tol || a[i] == b[i], c.name() + " element " + i + ": " + a[i] + " vs " + b[i]);
            }
        }
    }

    @Test
    void everyPublicTensorOpHasACase() {
        Set<String> covered = new HashSet<>();
        for (OpCatalog.Case c : OpCatalog.all()) {
            covered.add(c.method());
        }
        Set<String> missing = new TreeSet<>();
        for (Method m : Tensor.class.getDeclaredMethods()) {
            boolean returnsTensors = m.getReturnType() == Tensor.class || m.getReturnType() == List.class;
            if (Modifier.isPublic(m.getModifiers()) && returnsTensors && !NOT_OPS.contains(m.getName())
                    && !covered.contains(m.getName())) {
                missing.add(m.getName());
            }
        }
        for (Method m : Losses.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == Tensor.class && !covered.contains("Losses." + m.getName())) {
                missing.add("Losses." + m.getName());
            }
        }
        assertEquals(Set.of(), missing, "public ops without an OpCatalog case (add one: it drives GradCheck, PyTorch and the fuzzer)");
    }

    @Test
    void caseNamesAreUnique() {
        Set<String> names = new HashSet<>();
        for (OpCatalog.Case c : OpCatalog.all()) {
            assertTrue(names.add(c.name()), "duplicate case " + c.name());
        }
    }
}
