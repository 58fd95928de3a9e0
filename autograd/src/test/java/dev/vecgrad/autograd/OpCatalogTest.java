package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The op catalogue: every case's gradient by finite differences, float32 against float64, no
 * public op without a case, and no op's backward holding a tensor other than through its context.
 */
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
        for (Method m : RecurrentOps.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == Tensor.class
                    && !covered.contains("RecurrentOps." + m.getName())) {
                missing.add("RecurrentOps." + m.getName());
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

    /** The nodes of the graphs of every catalogue case, inputs that are not indices or masks requiring grad. */
    private static List<Node> catalogueNodes() {
        List<Tensor> outputs = new ArrayList<>();
        for (OpCatalog.Case c : OpCatalog.all()) {
            if (!c.differentiable()) {
                continue;
            }
            Tensor[] x = OpReferenceTest.inputs(c);
            for (int i = 0; i < x.length; i++) {
                x[i].requiresGrad(c.inputs().get(i).differentiable());
            }
            outputs.add(c.op().apply(x));
        }
        return nodes(outputs);
    }

    @Test
    void noBackwardCapturesATensor() {
        Set<String> ops = new TreeSet<>();
        List<String> violations = new ArrayList<>();
        for (Node node : catalogueNodes()) {
            ops.add(node.op);
            capturedTensors(node.backward, "'" + node.op + "' backward", new IdentityHashMap<>(), violations);
        }
        assertEquals(List.of(), violations, "a backward reads tensors only through ctx (Context.saved), never by capture");
        assertTrue(ops.containsAll(Set.of("add", "mul", "div", "matmul", "where", "cat", "expand", "relu", "conv2d", "crossEntropy",
                "lstm", "gru", "maxPool2d", "softmax", "scatterAdd", "dropout")), ops.toString());
    }

    /** The op names of the library's derivative declarations: the first argument of each Autograd.record/apply call. */
    private static final Pattern DECLARATION = Pattern.compile("Autograd\\.(?:record|apply)\\(\\s*([^,]*),");
    private static final Pattern LITERAL = Pattern.compile("\"([^\"]*)\"");

    @Test
    void everyDeclaredDerivativeIsReachedByACase() throws IOException {
        Set<String> reached = new TreeSet<>();
        for (Node node : catalogueNodes()) {
            reached.add(node.op);
        }
        Set<String> missing = new TreeSet<>();
        int declarations = 0;
        try (DirectoryStream<Path> sources = Files.newDirectoryStream(Path.of("src/main/java/dev/vecgrad/autograd"), "*.java")) {
            for (Path file : sources) {
                Matcher m = DECLARATION.matcher(Files.readString(file));
                while (m.find()) {
                    String name = m.group(1);
                    Matcher lit = LITERAL.matcher(name);
                    boolean prefix = name.contains("+");   // "to(" + dtype + ")": a family of names
                    while (lit.find()) {
                        String op = lit.group(1);
                        declarations++;
                        if (prefix ? reached.stream().noneMatch(r -> r.startsWith(op)) : !reached.contains(op)) {
                            missing.add(file.getFileName() + ": " + op);
                        }
                        if (prefix) {
                            break;
                        }
                    }
                }
            }
        }
        for (UnaryOp u : UnaryOp.values()) {
            declarations++;
            if (!reached.contains(u.opName())) {
                missing.add("UnaryOp." + u + ": " + u.opName());
            }
        }
        assertTrue(declarations > 50, declarations + " declarations found: is the source folder right?");
        assertEquals(Set.of(), missing, "derivatives that no OpCatalog case reaches (add a case: it drives GradCheck, PyTorch and the fuzzer)");
    }

    @Test
    void theCaptureCheckFindsACapturedTensor() {
        Tensor a = Tensor.scalar(2.0).requiresGrad(true);
        Tensor b = Tensor.scalar(3.0);
        Tensor y = Autograd.record("bad", Tensor.scalar(6.0), (ctx, g) -> new Tensor[] {g.mul(b)}, a);
        List<String> violations = new ArrayList<>();
        capturedTensors(y.node.backward, "'bad' backward", new IdentityHashMap<>(), violations);
        assertEquals(1, violations.size(), violations.toString());
        assertTrue(violations.get(0).contains("holds a Tensor"), violations.get(0));
    }

    /** Every node reachable from the outputs. */
    private static List<Node> nodes(List<Tensor> outputs) {
        List<Node> out = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Tensor> todo = new ArrayDeque<>(outputs);
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (t == null || t.node == null || seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            out.add(t.node);
            for (Tensor in : t.node.inputs) {
                todo.push(in);
            }
        }
        return out;
    }

    /**
     * Adds a message for each tensor (or storage, or context) reachable from o's instance fields:
     * the captured values of a lambda, and the fields of the objects it captured (a record of
     * dimensions, a Function and its lambdas), JDK classes aside.
     */
    private static void capturedTensors(Object o, String path, Map<Object, Boolean> seen, List<String> violations) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        Class<?> type = o.getClass();
        if (o instanceof Tensor || o instanceof Storage || o instanceof Context) {
            violations.add(path + " holds a " + (o instanceof Tensor ? "Tensor" : type.getSimpleName()));
            return;
        }
        if (type.isArray()) {
            if (!type.getComponentType().isPrimitive()) {
                for (int i = 0; i < Array.getLength(o); i++) {
                    capturedTensors(Array.get(o, i), path + "[" + i + "]", seen, violations);
                }
            }
            return;
        }
        if (type.isEnum() || type.getName().startsWith("java.") || o instanceof DType) {
            return;
        }
        for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    capturedTensors(f.get(o), path + "." + f.getName(), seen, violations);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    violations.add(path + "." + f.getName() + ": unreadable (" + e + ")");
                }
            }
        }
    }
}
