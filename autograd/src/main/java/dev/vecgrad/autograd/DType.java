package dev.vecgrad.autograd;

/** Element type of a {@link Tensor}: 32-bit or 64-bit IEEE floating point. */
public enum DType {
    /** float, 4 bytes: training. */
    F32,
    /** double, 8 bytes: gradient checks and wherever precision matters more than speed. */
    F64;

    /** PyTorch's name, for messages: {@code float32} / {@code float64}. */
    public String torchName() {
        return this == F32 ? "float32" : "float64";
    }
}
