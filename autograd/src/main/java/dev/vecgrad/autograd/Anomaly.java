package dev.vecgrad.autograd;

/** The checks of {@link Grad#detectAnomaly()}. */
final class Anomaly {

    private Anomaly() {}

    static void checkForward(String op, Tensor out) {
        int bad = firstNonFinite(out);
        if (bad >= 0) {
            throw new ArithmeticException("anomaly: '" + op + "' produced " + out.getFlat(bad) + " at flat index " + bad
                    + " of its output " + Shapes.str(out.shape) + " in the forward pass");
        }
    }

    static void checkBackward(String op, int input, Tensor grad) {
        int bad = firstNonFinite(grad);
        if (bad >= 0) {
            throw new ArithmeticException("anomaly: the backward of '" + op + "' produced " + grad.getFlat(bad)
                    + " at flat index " + bad + " of the gradient of its input " + input + " " + Shapes.str(grad.shape));
        }
    }

    private static int firstNonFinite(Tensor t) {
        int n = t.numel();
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(t.getFlat(i))) {
                return i;
            }
        }
        return -1;
    }
}
