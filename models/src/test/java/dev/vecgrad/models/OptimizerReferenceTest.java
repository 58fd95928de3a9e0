package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.norm.BatchNorm1d;
import dev.vecgrad.models.optim.LRSchedulers;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Optimizers, schedules and BatchNorm1d against PyTorch 1.13 (src/test/python/torch_optim_reference.py):
 * parameters after each of 10 steps from fixed gradients, learning rates for 50 steps,
 * running statistics after 3 batches; float64, to 1e-6 relative (in practice ~1e-15).
 */
class OptimizerReferenceTest {

    private static final Map<String, Function<List<Tensor>, Optimizer>> OPTIMIZERS = new LinkedHashMap<>();

    static {
        OPTIMIZERS.put("sgd", p -> new Optimizers.SGD(p, 0.1));
        OPTIMIZERS.put("sgd_momentum_dampening_wd", p -> new Optimizers.SGD(p, 0.1, 0.9, 0.1, false, 0.01));
        OPTIMIZERS.put("sgd_nesterov_wd", p -> new Optimizers.SGD(p, 0.1, 0.9, 0, true, 0.01));
        OPTIMIZERS.put("adam", p -> new Optimizers.Adam(p, 0.01));
        OPTIMIZERS.put("adam_wd", p -> new Optimizers.Adam(p, 0.01, 0.8, 0.99, 1e-6, 0.1));
        OPTIMIZERS.put("adamw", p -> new Optimizers.AdamW(p, 0.01, 0.9, 0.999, 1e-8, 0.1));
        OPTIMIZERS.put("rmsprop", p -> new Optimizers.RMSprop(p, 0.01));
        OPTIMIZERS.put("rmsprop_centered_momentum_wd", p -> new Optimizers.RMSprop(p, 0.01, 0.9, 1e-8, 0.01, 0.9, true));
        OPTIMIZERS.put("adagrad", p -> new Optimizers.Adagrad(p, 0.1));
        OPTIMIZERS.put("adagrad_decay_wd_init", p -> new Optimizers.Adagrad(p, 0.1, 0.01, 0.01, 0.1, 1e-10));
        OPTIMIZERS.put("adadelta", p -> new Optimizers.Adadelta(p, 1.0));
        OPTIMIZERS.put("adadelta_rho_wd", p -> new Optimizers.Adadelta(p, 0.5, 0.8, 1e-6, 0.01));
        OPTIMIZERS.put("adamax", p -> new Optimizers.Adamax(p, 0.002));
        OPTIMIZERS.put("adamax_wd", p -> new Optimizers.Adamax(p, 0.01, 0.9, 0.999, 1e-8, 0.01));
        // options by name, as PyTorch's keyword arguments
        OPTIMIZERS.put("adam_amsgrad", p -> Optimizers.of("adam", p, Optimizers.options().lr(0.01).amsgrad(true)));
        OPTIMIZERS.put("adam_amsgrad_wd_maximize", p -> Optimizers.of("adam", p,
                Optimizers.options().lr(0.01).betas(0.8, 0.99).weightDecay(0.1).amsgrad(true).maximize(true)));
        OPTIMIZERS.put("adamw_amsgrad", p -> Optimizers.of("adamw", p, Optimizers.options().lr(0.01).weightDecay(0.1).amsgrad(true)));
        OPTIMIZERS.put("sgd_nesterov_maximize", p -> Optimizers.of("sgd", p,
                Optimizers.options().lr(0.1).momentum(0.9).nesterov(true).weightDecay(0.01).maximize(true)));
        OPTIMIZERS.put("adamw_maximize", p -> Optimizers.of("adamw", p, Optimizers.options().lr(0.01).maximize(true)));
        OPTIMIZERS.put("adagrad_maximize", p -> Optimizers.of("adagrad", p, Optimizers.options().lr(0.1).weightDecay(0.01).maximize(true)));
        // the positional cases again, by name: the same trajectories
        OPTIMIZERS.put("rmsprop_centered_momentum_wd#named", p -> Optimizers.of("rmsprop", p,
                Optimizers.options().lr(0.01).alpha(0.9).momentum(0.9).centered(true).weightDecay(0.01)));
        OPTIMIZERS.put("adagrad_decay_wd_init#named", p -> Optimizers.of("adagrad", p,
                Optimizers.options().lr(0.1).lrDecay(0.01).weightDecay(0.01).initialAccumulatorValue(0.1)));
        OPTIMIZERS.put("adadelta_rho_wd#named", p -> Optimizers.of("adadelta", p, Optimizers.options().lr(0.5).rho(0.8).weightDecay(0.01)));
        OPTIMIZERS.put("adamax_wd#named", p -> Optimizers.of("adamax", p, Optimizers.options().lr(0.01).weightDecay(0.01)));
        OPTIMIZERS.put("sgd_momentum_dampening_wd#named", p -> Optimizers.of("sgd", p,
                Optimizers.options().lr(0.1).momentum(0.9).dampening(0.1).weightDecay(0.01)));
    }

    private final Map<String, List<double[]>> blocks = new LinkedHashMap<>();
    private final Map<String, double[]> lines = new LinkedHashMap<>();
    private final List<double[]> grads = new ArrayList<>();
    private final List<double[]> bn = new ArrayList<>();

    OptimizerReferenceTest() throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/torch_optim_reference.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ", 2);
            switch (parts[0]) {
                case "grad" -> grads.add(values(parts[1]));
                case "optim" -> {
                    current = parts[1];
                    blocks.put(current, new ArrayList<>());
                }
                case "step" -> blocks.get(current).add(values(parts[1]));
                case "attached" -> {
                    String[] s = parts[1].split(" ", 2);
                    lines.put("attached " + s[0], values(s[1]));
                }
                case "schedule" -> {
                    String[] s = parts[1].split(" ", 2);
                    lines.put(s[0], values(s[1]));
                }
                case "bn_input", "bn_output", "bn_running", "bn_eval_input", "bn_eval_output" -> bn.add(values(parts[1]));
                default -> lines.put(parts[0], values(parts[1]));
            }
        }
    }

    private static double[] values(String s) {
        return Arrays.stream(s.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    @Test
    void everyOptimizerFollowsPyTorchStepForStep() {
        for (Map.Entry<String, Function<List<Tensor>, Optimizer>> e : OPTIMIZERS.entrySet()) {
            Tensor p = Tensor.of(lines.get("p0"), 8).requiresGrad(true);
            Optimizer opt = e.getValue().apply(List.of(p));
            List<double[]> want = blocks.get(e.getKey().replace("#named", ""));
            assertNotNull(want, e.getKey());
            for (int t = 0; t < 10; t++) {
                setGrad(p, grads.get(t));
                opt.step();
                close(e.getKey() + " step " + (t + 1), want.get(t), p.toDoubleArray());
            }
        }
    }

    @Test
    void everyOptimizerTakesParameterGroupsWithTheirOwnRates() {
        Map<String, java.util.function.Function<List<Optimizer.ParamGroup>, Optimizer>> cases = new LinkedHashMap<>();
        cases.put("sgd_two_groups", g -> new Optimizers.SGD(g, 0.5, 0, false, 0));   // rates 0.1 and 0.01
        cases.put("adam_two_groups", g -> Optimizers.ofGroups("adam", g, Optimizers.options().amsgrad(true).weightDecay(0.01)));
        cases.put("rmsprop_two_groups", g -> Optimizers.ofGroups("rmsprop", g, Optimizers.options().momentum(0.5).centered(true)));
        cases.put("adagrad_two_groups", g -> Optimizers.ofGroups("adagrad", g, Optimizers.options().lrDecay(0.01)));
        cases.put("adadelta_two_groups", g -> Optimizers.ofGroups("adadelta", g, Optimizers.options().rho(0.8)));
        cases.put("adamax_two_groups", g -> Optimizers.ofGroups("adamax", g, Optimizers.options().weightDecay(0.01)));
        double[] p0 = lines.get("p0");
        for (var e : cases.entrySet()) {
            Tensor a = Tensor.of(Arrays.copyOfRange(p0, 0, 4), 4).requiresGrad(true);
            Tensor b = Tensor.of(Arrays.copyOfRange(p0, 4, 8), 4).requiresGrad(true);
            double rate = e.getKey().startsWith("sgd") ? 0.1 : 0.05;
            Optimizer opt = e.getValue().apply(List.of(new Optimizer.ParamGroup(List.of(a), rate),
                    new Optimizer.ParamGroup(List.of(b), rate / 10)));
            for (int t = 0; t < 10; t++) {
                setGrad(a, Arrays.copyOfRange(grads.get(t), 0, 4));
                setGrad(b, Arrays.copyOfRange(grads.get(t), 4, 8));
                opt.step();
                double[] both = new double[8];
                System.arraycopy(a.toDoubleArray(), 0, both, 0, 4);
                System.arraycopy(b.toDoubleArray(), 0, both, 4, 4);
                close(e.getKey() + " step " + (t + 1), blocks.get(e.getKey()).get(t), both);
            }
        }
    }

    @Test
    void anOptionTheOptimizerDoesNotTakeIsRefusedByName() {
        Tensor p = Tensor.of(lines.get("p0"), 8).requiresGrad(true);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Optimizers.of("adagrad", List.of(p), Optimizers.options().betas(0.9, 0.99)));
        assertEquals("adagrad has no option 'betas' (it takes lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize)",
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Optimizers.of("lion", List.of(p), Optimizers.options()));
        assertEquals("unknown optimizer 'lion' (sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax)", e.getMessage());
        Optimizer adam = Optimizers.of("adam", List.of(p), Optimizers.options());
        assertEquals(1e-3, adam.lr(), 0, "PyTorch's default rate");
        assertEquals(false, adam.maximizes());
    }

    /**
     * The rate after each of 50 steps of PyTorch's schedulers, traced on their own (the closed
     * forms of {@code Schedules}, reached through the one scheduler API); the plateau cuts on the
     * metric it is given.
     */
    @Test
    void schedulesFollowPyTorchFor50Steps() {
        traced("step_lr", o -> new LRSchedulers.StepLR(o, 7, 0.5));
        traced("cosine", o -> new LRSchedulers.CosineAnnealingLR(o, 50, 0.001));
        traced("warmup_cosine", o -> new LRSchedulers.LambdaLR(o, step -> step < 5 ? (step + 1) / 5.0
                : 0.1 + 0.9 * (1 + Math.cos(Math.PI * Math.min(1.0, (step - 5) / 45.0))) / 2));
        traced("one_cycle", o -> new LRSchedulers.OneCycleLR(o, 0.1, 50, 0.3, 25, 1e4, false, 0.85, 0.95));
        Optimizer opt = sgd();
        LRSchedulers.ReduceLROnPlateau plateau = new LRSchedulers.ReduceLROnPlateau(opt, "min", 0.5, 2, 1e-4, "rel", 1, 1e-3, 1e-8);
        double[] metrics = lines.get("metrics");
        double[] want = lines.get("plateau");
        for (int i = 0; i < 50; i++) {
            plateau.step(metrics[i]);
            assertEquals(want[i], opt.lr(), 1e-6 * want[i], "plateau after step " + i);
        }
    }

    /** The rate before each of 50 steps (and the momentum a one-cycle cycles), as PyTorch's schedulers attached to SGD / Adam. */
    @Test
    void schedulersAttachedToAnOptimizerFollowPyTorch() {
        attached("step_lr", sgd(), o -> new LRSchedulers.StepLR(o, 7, 0.5), false);
        attached("cosine", sgd(), o -> new LRSchedulers.CosineAnnealingLR(o, 50, 0.001), false);
        attached("linear", sgd(), o -> new LRSchedulers.LinearLR(o, 0.25, 1.0, 8), false);
        attached("warmup_cosine", sgd(), o -> new LRSchedulers.SequentialLR(o, List.of(new LRSchedulers.LinearLR(o, 0.1, 1.0, 5),
                new LRSchedulers.CosineAnnealingLR(o, 45, 0.001)), 5), false);
        attached("one_cycle_sgd", sgd(), o -> new LRSchedulers.OneCycleLR(o, 0.1, 50), true);
        attached("one_cycle_adam", Optimizers.of("adam", List.of(param()), Optimizers.options().lr(0.01)),
                o -> new LRSchedulers.OneCycleLR(o, 0.01, 50), true);
        attached("one_cycle_one_step", Optimizers.of("adam", List.of(param()), Optimizers.options().lr(0.01)),
                o -> new LRSchedulers.OneCycleLR(o, 0.01, 1), true);
        Optimizer plateauOpt = sgd();
        LRSchedulers.ReduceLROnPlateau plateau = new LRSchedulers.ReduceLROnPlateau(plateauOpt, "max", 0.5, 2, 0.01, "abs", 1, 1e-3, 1e-8);
        double[] accuracy = lines.get("accuracy");
        double[] want = lines.get("attached plateau_max_abs");
        for (int i = 0; i < 50; i++) {
            assertEquals(want[i], plateauOpt.lr(), 1e-6 * want[i], "plateau (max, abs) before step " + i);
            plateauOpt.step();
            plateau.step(accuracy[i]);
        }
        // the one-cycle refuses an optimizer without momentum, and a step past the end
        Optimizer adagrad = Optimizers.of("adagrad", List.of(param()), Optimizers.options());
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> new LRSchedulers.OneCycleLR(adagrad, 0.1, 10));
        LRSchedulers.OneCycleLR short2 = new LRSchedulers.OneCycleLR(sgd(), 0.1, 2);
        short2.step();
        short2.step();   // PyTorch allows total_steps steps after the first rate
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, short2::step);
    }

    private Tensor param() {
        return Tensor.zeros(dev.vecgrad.autograd.DType.F64, 1).requiresGrad(true);
    }

    private Optimizer sgd() {
        return Optimizers.of("sgd", List.of(param()), Optimizers.options().lr(0.1).momentum(0.9));
    }

    private void attached(String name, Optimizer opt, Function<Optimizer, LRSchedulers.LRScheduler> make, boolean momentum) {
        LRSchedulers.LRScheduler s = make.apply(opt);
        double[] want = lines.get("attached " + name);
        double[] wantMomentum = lines.get("attached " + name + "_momentum");
        int steps = want.length;
        for (int i = 0; i < steps; i++) {
            assertEquals(want[i], opt.lr(), 1e-6 * Math.abs(want[i]), name + " rate before step " + i);
            if (momentum) {
                assertEquals(wantMomentum[i], opt.momentum(), 1e-9, name + " momentum before step " + i);
            }
            setGrad(opt.paramGroups().get(0).params().get(0), new double[] {1});
            opt.step();
            if (i < steps - 1) {
                s.step();
            }
        }
    }

    private void traced(String name, Function<Optimizer, LRSchedulers.LRScheduler> make) {
        Optimizer opt = sgd();
        LRSchedulers.LRScheduler s = make.apply(opt);
        double[] want = lines.get(name);
        for (int i = 0; i < 50; i++) {
            assertEquals(want[i], opt.lr(), 1e-6 * Math.abs(want[i]), name + " at step " + i);
            s.step();
        }
    }

    @Test
    void batchNormRunningStatisticsMatchPyTorch() {
        BatchNorm1d norm = new BatchNorm1d(4, 1e-5, 0.1, DType.F64);
        norm.weight.copyFrom(Tensor.of(new double[] {1.0, 0.5, 2.0, -1.0}, 4));
        norm.bias.copyFrom(Tensor.of(new double[] {0.0, 0.1, -0.2, 0.3}, 4));
        norm.train();
        for (int k = 0; k < 3; k++) {
            Tensor x = Tensor.of(bn.get(3 * k), 6, 4);
            close("batch " + k + " output", bn.get(3 * k + 1), norm.forward(x).toDoubleArray());
            double[] running = new double[8];
            System.arraycopy(norm.runningMean.toDoubleArray(), 0, running, 0, 4);
            System.arraycopy(norm.runningVar.toDoubleArray(), 0, running, 4, 4);
            close("running mean and var after batch " + k, bn.get(3 * k + 2), running);
        }
        norm.eval();
        close("eval output", bn.get(10), norm.forward(Tensor.of(bn.get(9), 5, 4)).toDoubleArray());
    }

    private static void setGrad(Tensor p, double[] g) {
        p.zeroGrad();
        p.mul(Tensor.of(g, g.length)).sum().backward();
    }

    private static void close(String what, double[] want, double[] got) {
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= 1e-6 * Math.max(1e-12, Math.abs(want[i])))) {
                fail(what + " element " + i + ": PyTorch " + want[i] + ", vecgrad " + got[i]);
            }
        }
    }

    @Test
    void clipGradNormScalesEachGradientOnceEvenWhenOneOpFedTwoLeaves() {
        // c = a + b hands one output gradient to both leaves; before, a.grad and b.grad were one
        // object and the in-place clip applied its factor twice (0.25 instead of 0.5)
        Tensor a = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {3, 4}, 2).requiresGrad(true);
        a.add(b).sum().backward();
        double norm = Optimizer.clipGradNorm(List.of(a, b), 1);
        assertEquals(2, norm, 1e-12);
        assertArrayEquals(new double[] {0.5, 0.5}, a.grad().toDoubleArray(), 1e-6);
        assertArrayEquals(new double[] {0.5, 0.5}, b.grad().toDoubleArray(), 1e-6);
    }
}
