package dev.vecgrad.kernels;

import java.lang.management.ManagementFactory;

/**
 * Which kernel implementation runs: the Vector API kernels, or the scalar reference kernels
 * when the {@code jdk.incubator.vector} module is missing, C2 is off (vectors would be boxed
 * and slow), or the system property {@code vecgrad.scalar=true} forces them. Chosen once, at
 * the first kernel call, which logs one line to standard error saying what runs (vector
 * width, species lengths, FMA, thread count); {@code -Dvecgrad.log=false} silences it. With
 * the vector kernels it also keeps C1 away from them (see {@code JitDirectives}).
 *
 * <p>The choice is three objects, as Lucene's {@code VectorizationProvider}: {@link #FLOAT}
 * and {@link #DOUBLE} (the elementwise, row, reduction and conversion kernels) and the GEMM.
 * The facades read them from static final fields, so C2 treats each as a constant of one
 * class and inlines its methods (see {@link FloatKernels}). The Vector API classes
 * ({@code FloatSimd}, {@code DoubleSimd}, {@code ConversionsSimd}, {@code VectorGemmImpl}) are
 * only named from {@link VectorBackend}, which is loaded only when the module is there.
 */
public final class Backend {

    private static final Choice CHOICE = choose();

    /** The float kernels that run: {@code FloatSimd} or {@link FloatScalar}. */
    static final FloatKernels FLOAT = CHOICE.floats;
    /** The double kernels that run: {@code DoubleSimd} or {@link DoubleScalar}. */
    static final DoubleKernels DOUBLE = CHOICE.doubles;

    private Backend() {}

    /** What was chosen, and why. */
    private record Choice(boolean vectorized, FloatKernels floats, DoubleKernels doubles, GemmImpl gemm, ImageKernels image,
            String description, boolean warn) {}

    /** True when the Vector API kernels run, false for the scalar reference. */
    public static boolean isVectorized() {
        return CHOICE.vectorized;
    }

    /** One line: implementation, vector width and species lengths, FMA, thread count. */
    public static String summary() {
        return "kernels: " + CHOICE.description + ", " + threadsText();
    }

    /** The machine report of {@code ./vecgrad info}: JDK, CPU, caches, kernels, GEMM blocking. */
    public static String report() {
        CpuInfo cpu = CpuInfo.host();
        StringBuilder sb = new StringBuilder();
        sb.append("JDK:      ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append(" (").append(System.getProperty("java.home")).append(")\n");
        int cores = Runtime.getRuntime().availableProcessors();
        sb.append("CPU:      ").append(cpu.model()).append(", ").append(cores)
                .append(cores == 1 ? " logical core, " : " logical cores, ").append(System.getProperty("os.arch")).append('\n');
        sb.append("Caches:   ").append(cpu.cacheSummary()).append('\n');
        sb.append("Kernels:  ").append(summary().substring("kernels: ".length())).append('\n');
        if (CHOICE.vectorized) {
            sb.append(VectorBackend.blockingReport());
        }
        return sb.toString();
    }

    static GemmImpl gemm() {
        return CHOICE.gemm;
    }

    static ImageKernels image() {
        return CHOICE.image;
    }

    private static Choice choose() {
        String why = scalarReason();
        Choice choice;
        if (why != null) {
            choice = scalar("scalar reference (" + why + ")", !why.startsWith("forced"));
        } else {
            try {
                String jit = JitDirectives.installed() ? "" : ", C1 not excluded (the JIT may leave kernels unoptimized)";
                choice = new Choice(true, VectorBackend.floatKernels(), VectorBackend.doubleKernels(), VectorBackend.gemm(),
                        VectorBackend.image(),
                        VectorBackend.describe() + jit, !jit.isEmpty());
            } catch (LinkageError | RuntimeException e) {
                choice = scalar("scalar reference (the Vector API kernels failed to load: " + e + ")", true);
            }
        }
        if (!"false".equalsIgnoreCase(System.getProperty("vecgrad.log"))) {
            System.err.println("[vecgrad] " + (choice.warn ? "WARNING: " : "") + "kernels: " + choice.description
                    + ", " + threadsText());
        }
        return choice;
    }

    private static Choice scalar(String description, boolean warn) {
        return new Choice(false, FloatScalar.INSTANCE, DoubleScalar.INSTANCE, ScalarGemm.INSTANCE, ImageScalar.INSTANCE, description,
                warn);
    }

    private static String threadsText() {
        int t = Parallelism.threads();
        return t + (t == 1 ? " thread" : " threads");
    }

    /** Why the vector kernels cannot or must not run, or null when they can. */
    private static String scalarReason() {
        if (Boolean.getBoolean("vecgrad.scalar")) {
            return "forced by -Dvecgrad.scalar=true";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "module jdk.incubator.vector is not available: start java with --add-modules jdk.incubator.vector";
        }
        if (!c2Enabled()) {
            return "the C2 compiler is off, so vector code would run boxed and slow";
        }
        return null;
    }

    private static boolean c2Enabled() {
        if (System.getProperty("java.vm.info", "").contains("interpreted mode")) {
            return false;
        }
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            boolean tiered = Boolean.parseBoolean(bean.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(bean.getVMOption("TieredStopAtLevel").getValue());
            return !tiered || stopAt >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }
}
