package dev.vecgrad.models.data;

import dev.vecgrad.autograd.Tensor;

/**
 * A mini-batch: inputs [B, ...sample shape] as float32, and either class labels (B ints) or
 * regression targets [B, width].
 */
public final class Batch {

    private final Tensor x;
    private final int[] labels;
    private final float[] targets;
    private final int targetWidth;

    Batch(Tensor x, int[] labels, float[] targets, int targetWidth) {
        this.x = x;
        this.labels = labels;
        this.targets = targets;
        this.targetWidth = targetWidth;
    }

    /** The inputs, [B, ...]. */
    public Tensor x() {
        return x;
    }

    /** Number of samples. */
    public int size() {
        return x.size(0);
    }

    /** Class labels, or null for a regression batch. */
    public int[] labels() {
        return labels;
    }

    /** Targets [B, width] float32; for a classification batch the labels as a [B, 1] column. */
    public Tensor targets() {
        if (labels != null) {
            float[] t = new float[labels.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = labels[i];
            }
            return Tensor.fromArray(t, t.length, 1);
        }
        return Tensor.fromArray(targets, size(), targetWidth);
    }
}
