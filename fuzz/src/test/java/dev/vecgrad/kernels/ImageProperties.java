package dev.vecgrad.kernels;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The image kernels ({@code ImageSimd} and the reference) on random geometries, through
 * {@link ImageKernelsTest}'s checks: against the definitions and bit for bit against each other.
 * In the package of the kernels, to reach the package-private implementations.
 */
class ImageProperties {

    @Property
    void patchesMatchTheDefinition(@ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 1, max = 40) int h,
                                   @ForAll @IntRange(min = 1, max = 40) int w, @ForAll @IntRange(min = 1, max = 5) int kh,
                                   @ForAll @IntRange(min = 1, max = 5) int kw, @ForAll @IntRange(min = 1, max = 3) int stride,
                                   @ForAll @IntRange(min = 1, max = 2) int dilation, @ForAll @IntRange(max = 3) int pad,
                                   @ForAll long seed) {
        int[] s = {c, h, w, kh, kw, stride, new Random(seed).nextBoolean() ? 1 : stride, pad, pad, dilation, dilation};
        if ((h + 2 * pad - dilation * (kh - 1) - 1) < 0 || (w + 2 * pad - dilation * (kw - 1) - 1) < 0) {
            return;   // the kernel does not fit
        }
        ImageKernelsTest.checkPatches(ImageKernelsTest.geometry(s), seed);
    }

    @Property
    void maxPoolingMatchesTheDefinition(@ForAll @IntRange(min = 1, max = 30) int h, @ForAll @IntRange(min = 1, max = 50) int w,
                                        @ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 3) int stride,
                                        @ForAll @IntRange(max = 2) int pad, @ForAll long seed) {
        if (k > h || k > w || 2 * pad > k) {
            return;   // PyTorch's limits: padding at most half the kernel, the kernel inside the input
        }
        ImageKernelsTest.checkMaxPool(new int[] {h, w, k, k, stride, stride, pad, pad}, 2, seed);
    }
}
