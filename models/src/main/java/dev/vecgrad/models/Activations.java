package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;

/** The activation functions as modules. */
public final class Activations {

    private Activations() {}

    /** max(0, x). */
    public static final class ReLU extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.relu();
        }
    }

    /** x for x >= 0, slope * x below. */
    public static final class LeakyReLU extends Module {
        private final double slope;

        public LeakyReLU(double slope) {
            this.slope = slope;
        }

        public LeakyReLU() {
            this(0.01);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.leakyRelu(slope);
        }

        @Override
        protected String extraRepr() {
            return "negative_slope=" + repr(slope);
        }
    }

    public static final class Sigmoid extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.sigmoid();
        }
    }

    public static final class Tanh extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.tanh();
        }
    }

    /** GELU, exact (erf) form by default, "tanh" for the approximation. */
    public static final class GELU extends Module {
        private final String approximate;

        public GELU() {
            this("none");
        }

        public GELU(String approximate) {
            this.approximate = approximate;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.gelu(approximate);
        }

        @Override
        protected String extraRepr() {
            return "approximate='" + approximate + "'";
        }
    }

    /**
     * The perceptron's step: 1 where x >= 0, else 0. Its derivative is 0 almost everywhere,
     * so gradient descent cannot train through it: the perceptron learns by its own rule.
     */
    public static final class Step extends Module {
        @Override
        public Tensor forward(Tensor x) {
            double[] v = x.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] >= 0 ? 1 : 0;
            }
            return Tensor.of(v, x.shape()).to(x.dtype());
        }
    }
}
