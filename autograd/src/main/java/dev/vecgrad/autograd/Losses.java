package dev.vecgrad.autograd;


/**
 * Loss functions as differentiable ops with fused, numerically stable backward passes,
 * following {@code torch.nn.functional}: mean reduction by default, {@link Reduction#SUM}
 * and {@link Reduction#NONE} on request. Inputs and targets must have the same shape (where
 * PyTorch would broadcast with a warning, this throws, naming both shapes).
 */
public final class Losses {

    private Losses() {}

    /** How per-element losses are combined. */
    public enum Reduction {
        /** The average (PyTorch's default). */
        MEAN,
        /** The sum. */
        SUM,
        /** No reduction: one loss per element (per sample for the class losses). */
        NONE
    }

    /** Mean squared error, mean((input - target)^2). */
    public static Tensor mse(Tensor input, Tensor target) {
        return mse(input, target, Reduction.MEAN);
    }

    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        check("mse", input, target);
        Tensor diff = input.sub(target);
        return reduce(diff.mul(diff), reduction);
    }

    /** Mean absolute error, mean|input - target|; the derivative at 0 is 0, as in PyTorch. */
    public static Tensor l1(Tensor input, Tensor target) {
        return l1(input, target, Reduction.MEAN);
    }

    public static Tensor l1(Tensor input, Tensor target, Reduction reduction) {
        check("l1", input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    /**
     * Binary cross-entropy on probabilities: -(y log p + (1 - y) log(1 - p)), each log
     * clamped at -100 and the derivative's denominator p(1 - p) at 1e-12, as PyTorch does.
     *
     * @throws IllegalArgumentException if an input is outside [0, 1]
     */
    public static Tensor bce(Tensor input, Tensor target) {
        return bce(input, target, Reduction.MEAN);
    }

    public static Tensor bce(Tensor input, Tensor target, Reduction reduction) {
        check("bce", input, target);
        double[] p = input.toDoubleArray();
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw new IllegalArgumentException("bce: all elements of input should be between 0 and 1, element " + i
                        + " is " + p[i] + " (use bceWithLogits on raw scores)");
            }
        }
        return reduce(Autograd.apply("bce", Losses::bceForward, Losses::bceBackward, input, target), reduction);
    }

    /** Per-element bce: -(y log p + (1 - y) log(1 - p)), logs clamped at -100. */
    private static Tensor bceForward(Context ctx, Tensor[] in) {
        ctx.saveForBackward(in[0], in[1]);
        double[] p = in[0].toDoubleArray();
        double[] y = in[1].toDoubleArray();
        double[] l = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = -(y[i] * Math.max(Math.log(p[i]), -100) + (1 - y[i]) * Math.max(Math.log(1 - p[i]), -100));
        }
        return fromDoubles(in[0], l, in[0].shape);
    }

    private static Tensor[] bceBackward(Context ctx, Tensor g) {
        // d bce / dp = (p - y) / max(p (1 - p), 1e-12); d bce / dy = max(log(1 - p), -100) - max(log p, -100)
        Tensor input = ctx.saved(0);
        double[] p = input.toDoubleArray();
        double[] y = ctx.saved(1).toDoubleArray();
        double[] gg = g.toDoubleArray();
        double[] dp = new double[p.length];
        double[] dy = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            dp[i] = gg[i] * (p[i] - y[i]) / Math.max(p[i] * (1 - p[i]), 1e-12);
            dy[i] = gg[i] * (Math.max(Math.log(1 - p[i]), -100) - Math.max(Math.log(p[i]), -100));
        }
        return new Tensor[] {fromDoubles(input, dp, input.shape), fromDoubles(input, dy, input.shape)};
    }

    /**
     * Binary cross-entropy on logits, stable for any logit: max(x, 0) - x y + log(1 + exp(-|x|)).
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor target) {
        return bceWithLogits(logits, target, Reduction.MEAN);
    }

    public static Tensor bceWithLogits(Tensor logits, Tensor target, Reduction reduction) {
        check("bceWithLogits", logits, target);
        return reduce(Autograd.apply("bceWithLogits", Losses::bceWithLogitsForward, Losses::bceWithLogitsBackward, logits, target),
                reduction);
    }

    private static Tensor bceWithLogitsForward(Context ctx, Tensor[] in) {
        ctx.saveForBackward(in[0], in[1]);
        double[] x = in[0].toDoubleArray();
        double[] y = in[1].toDoubleArray();
        double[] l = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            l[i] = Math.max(x[i], 0) - x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
        }
        return fromDoubles(in[0], l, in[0].shape);
    }

    private static Tensor[] bceWithLogitsBackward(Context ctx, Tensor g) {
        // d/dx = sigmoid(x) - y; d/dy = -x
        Tensor logits = ctx.saved(0);
        double[] x = logits.toDoubleArray();
        double[] y = ctx.saved(1).toDoubleArray();
        double[] gg = g.toDoubleArray();
        double[] dx = new double[x.length];
        double[] dy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double e = Math.exp(-Math.abs(x[i]));
            double s = x[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
            dx[i] = gg[i] * (s - y[i]);
            dy[i] = -gg[i] * x[i];
        }
        return new Tensor[] {fromDoubles(logits, dx, logits.shape), fromDoubles(logits, dy, logits.shape)};
    }

    /**
     * Cross-entropy of logits [N, C] against class indices: -log softmax(logits)[i, t_i],
     * log-softmax max-subtracted; the backward is softmax - one_hot, fused. The targets are
     * copied: changing the array afterwards changes nothing.
     *
     * @throws IllegalArgumentException if logits is not [N, C], there are not N targets, or a
     *         target is outside [0, C)
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return crossEntropy(logits, targets, Reduction.MEAN);
    }

    public static Tensor crossEntropy(Tensor logits, int[] targets, Reduction reduction) {
        checkClasses("crossEntropy", logits, targets);
        return reduce(crossEntropyOp(logits, targets.clone()), reduction);
    }

    private static Tensor crossEntropyOp(Tensor logits, int[] targets) {
        return Autograd.apply("crossEntropy", (ctx, in) -> {
            Tensor x = in[0].contiguous();
            int n = x.shape[0];
            int c = x.shape[1];
            Tensor lp = Tensor.emptyLike(x, n, c);
            x.storage.rowSoftmax(true, x.offset, n, c, lp.storage, 0);
            ctx.saveForBackward(lp);
            double[] l = new double[n];
            for (int i = 0; i < n; i++) {
                l[i] = -lp.storage.get(i * c + targets[i]);
            }
            return fromDoubles(x, l, n);
        }, (ctx, g) -> {
            // d/dlogits = (softmax(logits) - one_hot(t)) * g_i
            Tensor lp = ctx.saved(0);
            int n = lp.shape[0];
            int c = lp.shape[1];
            Tensor grad = lp.exp();
            double[] gg = g.toDoubleArray();
            for (int i = 0; i < n; i++) {
                int t = i * c + targets[i];
                grad.storage.set(t, grad.storage.get(t) - 1);
                grad.storage.map(Storage.Unary.SCALE, gg[i], 0, i * c, grad.storage, i * c, c);
            }
            return new Tensor[] {grad};
        }, logits);
    }

    /** Negative log-likelihood of log-probabilities [N, C] at class indices: -logProbs[i, t_i]; the targets are copied. */
    public static Tensor nll(Tensor logProbs, int[] targets) {
        return nll(logProbs, targets, Reduction.MEAN);
    }

    public static Tensor nll(Tensor logProbs, int[] targets, Reduction reduction) {
        checkClasses("nll", logProbs, targets);
        return reduce(nllOp(logProbs, targets.clone(), logProbs.shape[1]), reduction);
    }

    private static Tensor nllOp(Tensor logProbs, int[] targets, int classes) {
        return Autograd.apply("nll", (ctx, in) -> {
            Tensor lp = in[0];
            double[] l = new double[targets.length];
            for (int i = 0; i < targets.length; i++) {
                l[i] = -lp.get(i, targets[i]);
            }
            return fromDoubles(lp, l, targets.length);
        }, (ctx, g) -> {
            // d/dlogProbs = -g_i at (i, t_i), 0 elsewhere
            double[] gg = g.toDoubleArray();
            Tensor grad = Tensor.emptyLike(g, targets.length, classes);
            for (int i = 0; i < targets.length; i++) {
                grad.storage.set(i * classes + targets[i], -gg[i]);
            }
            return new Tensor[] {grad};
        }, logProbs);
    }

    private static Tensor reduce(Tensor perElement, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        };
    }

    private static void check(String op, Tensor input, Tensor target) {
        Pointwise.checkDtypes(op, input, target);
        if (!Shapes.same(input.shape, target.shape)) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(input.shape) + " and target "
                    + Shapes.str(target.shape) + " differ in shape");
        }
    }

    private static void checkClasses(String op, Tensor scores, int[] targets) {
        if (scores.shape.length != 2) {
            throw new IllegalArgumentException(op + ": expects [N, C] scores, got " + Shapes.str(scores.shape));
        }
        int n = scores.shape[0];
        int c = scores.shape[1];
        if (targets.length != n) {
            throw new IllegalArgumentException(op + ": " + targets.length + " targets for " + n + " rows of "
                    + Shapes.str(scores.shape));
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= c) {
                throw new IllegalArgumentException(op + ": target " + targets[i] + " (row " + i + ") is out of bounds for "
                        + c + " classes");
            }
        }
    }

    /** A tensor of like's dtype holding values (rounded to float for float32). */
    static Tensor fromDoubles(Tensor like, double[] values, int... shape) {
        Tensor t = Tensor.emptyLike(like, shape.clone());
        new DoubleStorage(values).copyTo(0, t.storage, 0, values.length);
        return t;
    }
}
