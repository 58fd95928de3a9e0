package dev.vecgrad.bench;

import java.util.Arrays;
import java.util.Locale;

/** Repeated measurements of one quantity: median and range, never a lone best run. */
record Samples(double[] values) {

    Samples {
        if (values.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        values = values.clone();
        Arrays.sort(values);
    }

    double median() {
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    double min() {
        return values[0];
    }

    double max() {
        return values[values.length - 1];
    }

    Samples merge(Samples other) {
        double[] all = Arrays.copyOf(values, values.length + other.values.length);
        System.arraycopy(other.values, 0, all, values.length, other.values.length);
        return new Samples(all);
    }

    /** {@code 131.2 [128.0-133.9]}, with a point in every locale, as the other tables have. */
    String format() {
        return String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", median(), min(), max());
    }
}
