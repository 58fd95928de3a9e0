package dev.vecgrad.models.data;

import java.util.List;
import java.util.Random;

/** Generated datasets: the logic gates, two moons, Gaussian blobs, synthetic linear regression. */
public final class Datasets {

    private Datasets() {}

    private static final float[] GATE_INPUTS = {0, 0, 0, 1, 1, 0, 1, 1};

    /** The four points of {0,1}^2 labelled with a x AND b. */
    public static Dataset and() {
        return gate("and", 0, 0, 0, 1);
    }

    /** The four points of {0,1}^2 labelled with a x OR b. */
    public static Dataset or() {
        return gate("or", 0, 1, 1, 1);
    }

    /** The four points of {0,1}^2 labelled with a XOR b: not linearly separable. */
    public static Dataset xor() {
        return gate("xor", 0, 1, 1, 0);
    }

    private static Dataset gate(String name, int... labels) {
        return Dataset.classification(name, GATE_INPUTS.clone(), new int[] {2}, labels, 2, List.of("0", "1"));
    }

    /**
     * Two interleaving half circles, as scikit-learn's {@code make_moons}: n / 2 points on the
     * upper moon (label 0: (cos t, sin t)) and the rest on the lower one (label 1:
     * (1 - cos t, 0.5 - sin t)), t evenly spaced over [0, pi], plus Gaussian noise of standard
     * deviation {@code noise}, in shuffled order.
     */
    public static Dataset moons(int n, double noise, long seed) {
        if (n < 2 || noise < 0) {
            throw new IllegalArgumentException("moons: need n >= 2 and noise >= 0, got n = " + n + ", noise = " + noise);
        }
        Random rng = Seeds.random(seed, "moons");
        int nOut = n / 2;
        int nIn = n - nOut;
        float[] x = new float[2 * n];
        int[] y = new int[n];
        int[] order = Dataset.permutation(n, rng);
        for (int i = 0; i < n; i++) {
            boolean outer = i < nOut;
            int k = outer ? i : i - nOut;
            int count = outer ? nOut : nIn;
            double t = count == 1 ? 0 : Math.PI * k / (count - 1);
            double px = outer ? Math.cos(t) : 1 - Math.cos(t);
            double py = outer ? Math.sin(t) : 0.5 - Math.sin(t);
            int row = order[i];
            x[2 * row] = (float) (px + noise * rng.nextGaussian());
            x[2 * row + 1] = (float) (py + noise * rng.nextGaussian());
            y[row] = outer ? 0 : 1;
        }
        return Dataset.classification("moons", x, new int[] {2}, y, 2, List.of("upper", "lower"));
    }

    /**
     * {@code classes} Gaussian clusters in {@code features} dimensions: centres drawn uniformly
     * from [-spread, spread]^features, unit standard deviation, n samples spread evenly.
     */
    public static Dataset blobs(int n, int features, int classes, double spread, long seed) {
        if (n < classes || features < 1 || classes < 2) {
            throw new IllegalArgumentException("blobs: need n >= classes >= 2 and features >= 1, got n = " + n
                    + ", features = " + features + ", classes = " + classes);
        }
        Random rng = Seeds.random(seed, "blobs");
        double[][] centres = new double[classes][features];
        for (double[] c : centres) {
            for (int j = 0; j < features; j++) {
                c[j] = spread * (2 * rng.nextDouble() - 1);
            }
        }
        float[] x = new float[n * features];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int j = 0; j < features; j++) {
                x[i * features + j] = (float) (centres[y[i]][j] + rng.nextGaussian());
            }
        }
        return Dataset.classification("blobs", x, new int[] {features}, y, classes, null);
    }

    /**
     * Synthetic linear regression as in the notes (d2l's SyntheticRegressionData):
     * x ~ N(0, I), y = x . w + b + noise * N(0, 1).
     */
    public static Dataset linearRegression(int n, double[] w, double b, double noise, long seed) {
        if (n < 1 || w.length < 1) {
            throw new IllegalArgumentException("linearRegression: need n >= 1 and at least one weight");
        }
        Random rng = Seeds.random(seed, "linreg");
        int d = w.length;
        float[] x = new float[n * d];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double dot = b;
            for (int j = 0; j < d; j++) {
                float v = (float) rng.nextGaussian();
                x[i * d + j] = v;
                dot += v * w[j];
            }
            y[i] = (float) (dot + noise * rng.nextGaussian());
        }
        return Dataset.regression("linreg", x, d, y, 1);
    }
}
