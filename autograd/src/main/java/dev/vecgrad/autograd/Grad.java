package dev.vecgrad.autograd;

/**
 * Switches of the autograd engine, per thread: recording the graph (on by default) and
 * anomaly detection (off by default).
 *
 * <pre>{@code
 * try (var g = Grad.disabled()) {     // like torch.no_grad(): no graph, results need no grad
 *     Tensor y = model.forward(x);
 * }
 * try (var a = Grad.detectAnomaly()) { // like torch.autograd.detect_anomaly()
 *     loss.backward();                 // throws at the first op whose output or gradient is NaN/Inf
 * }
 * }</pre>
 *
 * Scopes nest and restore the previous state when closed.
 */
public final class Grad {

    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);
    private static final ThreadLocal<int[]> ANOMALY = ThreadLocal.withInitial(() -> new int[1]);
    /** Depth of backward functions running on this thread: their inner ops are not forward-checked. */
    private static final ThreadLocal<int[]> IN_BACKWARD = ThreadLocal.withInitial(() -> new int[1]);

    private Grad() {}

    /** A scope that ends when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** True unless inside {@link #disabled()} on this thread. */
    public static boolean isEnabled() {
        return DISABLED.get()[0] == 0;
    }

    /** No graph is recorded until the scope closes. */
    public static Scope disabled() {
        int[] depth = DISABLED.get();
        depth[0]++;
        return () -> depth[0]--;
    }

    /** True inside {@link #detectAnomaly()} on this thread. */
    public static boolean anomalyDetection() {
        return ANOMALY.get()[0] > 0;
    }

    /** True when forward outputs are to be checked: anomaly detection is on and no backward function is running. */
    static boolean checkForward() {
        return ANOMALY.get()[0] > 0 && IN_BACKWARD.get()[0] == 0;
    }

    /** Marks a backward function running (its ops are checked as the gradient they produce, not as forward ops). */
    static Scope backwardRunning() {
        int[] depth = IN_BACKWARD.get();
        depth[0]++;
        return () -> depth[0]--;
    }

    /**
     * Until the scope closes, every op checks its output in the forward pass and the
     * gradients it produces in the backward pass, and throws an {@link ArithmeticException}
     * naming the first op that produced NaN or infinity. Slow: for debugging.
     */
    public static Scope detectAnomaly() {
        int[] depth = ANOMALY.get();
        depth[0]++;
        return () -> depth[0]--;
    }
}
