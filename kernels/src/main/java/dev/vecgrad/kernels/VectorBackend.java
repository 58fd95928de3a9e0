package dev.vecgrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/** Describes the Vector API kernels; loaded only once the incubator module is known to be present. */
final class VectorBackend {

    private VectorBackend() {}

    /** e.g. {@code Vector API, 512-bit vectors (float x16, double x8), hardware FMA}. */
    static String describe() {
        return "Vector API, " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors (float x"
                + FloatVector.SPECIES_PREFERRED.length() + ", double x" + DoubleVector.SPECIES_PREFERRED.length()
                + "), " + (GemmBlocking.HARDWARE_FMA ? "hardware FMA" : "no hardware FMA (multiply + add)");
    }

    static String blockingReport() {
        return "sgemm:    " + GemmBlocking.FLOAT + "\n"
                + "dgemm:    " + GemmBlocking.DOUBLE + "\n";
    }
}
