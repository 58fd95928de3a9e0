package dev.vecgrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * The Vector API kernels and their description; loaded only once the incubator module is known to be
 * present, so that {@link Backend} never names a class that imports {@code jdk.incubator.vector}.
 */
final class VectorBackend {

    private VectorBackend() {}

    static FloatKernels floatKernels() {
        return FloatSimd.INSTANCE;
    }

    static DoubleKernels doubleKernels() {
        return DoubleSimd.INSTANCE;
    }

    static GemmImpl gemm() {
        return new VectorGemmImpl();
    }

    static ImageKernels image() {
        return ImageSimd.INSTANCE;
    }

    /**
     * e.g. {@code Vector API, 512-bit vectors, hardware FMA}: short enough that the log line it
     * makes fits 80 columns; {@link #blockingReport} has the lanes.
     */
    static String describe() {
        return "Vector API, " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors, "
                + (GemmBlocking.HARDWARE_FMA ? "hardware FMA" : "no hardware FMA");
    }

    static String blockingReport() {
        return "Lanes:    float x" + FloatVector.SPECIES_PREFERRED.length() + ", double x" + DoubleVector.SPECIES_PREFERRED.length()
                + (GemmBlocking.HARDWARE_FMA ? "" : "; no hardware FMA: multiply + add") + "\n"
                + "sgemm:    " + GemmBlocking.FLOAT + "; KC, MC, NC " + GemmBlocking.FLOAT_ORIGIN + "\n"
                + "dgemm:    " + GemmBlocking.DOUBLE + "\n";
    }
}
