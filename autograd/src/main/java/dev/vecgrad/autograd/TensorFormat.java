package dev.vecgrad.autograd;

import java.util.Locale;

/**
 * {@link Tensor#toString()} as PyTorch prints tensors: nested brackets, one row per line,
 * values in a common width (integers as {@code 1.}, else 4 decimals, scientific when the
 * magnitudes span too much), more than 1000 elements summarized with {@code ...} after the
 * first and before the last 3 entries of each dimension, a 0-d tensor as a bare number.
 * Unlike PyTorch, long rows are not wrapped at 80 columns.
 */
final class TensorFormat {

    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        Tensor c = t.contiguous();
        boolean summarize = c.numel() > THRESHOLD;
        double[] shown = shownValues(c, summarize);
        Style style = Style.of(shown);
        int width = 0;
        for (double v : shown) {
            width = Math.max(width, style.format(v).length());
        }
        StringBuilder sb = new StringBuilder("tensor(");
        if (c.shape.length == 0) {
            sb.append(style.format(c.storage.get(c.offset)));
        } else {
            appendDim(sb, c, 0, c.offset, style, width, "tensor(".length() + 1, summarize);
        }
        if (t.dtype != DType.F32) {
            sb.append(", dtype=torch.").append(t.dtype.torchName());
        }
        if (t.node != null) {
            sb.append(", grad_fn=<").append(t.node.op).append('>');
        } else if (t.requiresGrad()) {
            sb.append(", requires_grad=True");
        }
        return sb.append(')').toString();
    }

    private static void appendDim(StringBuilder sb, Tensor c, int dim, int pos, Style style, int width, int indent,
            boolean summarize) {
        int size = c.shape[dim];
        sb.append('[');
        boolean last = dim == c.shape.length - 1;
        for (int i = 0; i < size; i++) {
            if (summarize && size > 2 * EDGE && i == EDGE) {
                sb.append(last ? " ..., " : "...,\n" + " ".repeat(indent));
                i = size - EDGE - 1;
                continue;
            }
            int p = pos + i * c.strides[dim];
            if (last) {
                String s = style.format(c.storage.get(p));
                sb.append(" ".repeat(width - s.length())).append(s);
                if (i < size - 1) {
                    sb.append(", ");
                }
            } else {
                appendDim(sb, c, dim + 1, p, style, width, indent + 1, summarize);
                if (i < size - 1) {
                    sb.append(',').append("\n".repeat(c.shape.length - dim - 1)).append(" ".repeat(indent));
                }
            }
        }
        sb.append(']');
    }

    /** The values that will be printed (all, or the edges of each dimension when summarizing), to choose the style and width. */
    private static double[] shownValues(Tensor c, boolean summarize) {
        if (c.shape.length == 0) {
            return new double[] {c.storage.get(c.offset)};
        }
        java.util.List<Double> out = new java.util.ArrayList<>();
        collect(c, 0, c.offset, summarize, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(Tensor c, int dim, int pos, boolean summarize, java.util.List<Double> out) {
        int size = c.shape[dim];
        for (int i = 0; i < size; i++) {
            if (summarize && size > 2 * EDGE && i == EDGE) {
                i = size - EDGE - 1;
                continue;
            }
            int p = pos + i * c.strides[dim];
            if (dim == c.shape.length - 1) {
                out.add(c.storage.get(p));
            } else {
                collect(c, dim + 1, p, summarize, out);
            }
        }
    }

    private enum Style {
        INTEGER, FIXED, SCIENTIFIC;

        static Style of(double[] values) {
            boolean integers = true;
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    continue;
                }
                integers &= v == Math.rint(v);
                double a = Math.abs(v);
                maxAbs = Math.max(maxAbs, a);
                if (a > 0) {
                    minAbs = Math.min(minAbs, a);
                }
            }
            if (integers) {
                return maxAbs >= 1e8 ? SCIENTIFIC : INTEGER;
            }
            if (maxAbs >= 1e8 || (minAbs != Double.POSITIVE_INFINITY && (minAbs < 1e-4 || maxAbs / minAbs > 1000))) {
                return SCIENTIFIC;
            }
            return FIXED;
        }

        String format(double v) {
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            return switch (this) {
                case INTEGER -> String.format(Locale.ROOT, "%.0f.", v);
                case FIXED -> String.format(Locale.ROOT, "%.4f", v);
                case SCIENTIFIC -> String.format(Locale.ROOT, "%.4e", v);
            };
        }
    }
}
