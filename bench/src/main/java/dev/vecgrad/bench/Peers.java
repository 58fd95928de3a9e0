package dev.vecgrad.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the suites share to run their peers in fresh processes: PyTorch scripts, and vecgrad in a new JVM. */
final class Peers {

    private Peers() {}

    /** A Python with PyTorch and the bench resource {@code name} copied to a temp file (deleted on exit). */
    record Torch(String python, Path script) {

        /**
         * python script args..., with the thread variables of OpenMP, OpenBLAS and MKL set to
         * {@code threads} and the allocator PyTorch's performance guide asks for ({@link #allocator}).
         */
        ProcessBuilder command(int threads, String... args) {
            List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            baselineEnvironment(pb, threads);
            allocator().applyTo(pb);
            return pb;
        }

        /**
         * "torch 1.13.1, OpenBLAS kernel Cooperlake", as a baseline process with {@code threads}
         * threads sees it, and what was unset for it: printed once by each suite.
         */
        String describe(int threads) {
            String probe = "import torch, json\n"
                    + "try:\n"
                    + "    import threadpoolctl\n"
                    + "    k = next((i.get('architecture') for i in threadpoolctl.threadpool_info() if i.get('internal_api') == 'openblas'), 'none')\n"
                    + "except ImportError:\n"
                    + "    k = 'unknown (no threadpoolctl)'\n"
                    + "print('torch ' + torch.__version__ + ', OpenBLAS kernel ' + str(k))\n";
            ProcessBuilder pb = new ProcessBuilder(python, "-c", probe).redirectErrorStream(true);
            baselineEnvironment(pb, threads);
            allocator().applyTo(pb);
            String overrides = blasOverrides();
            String said;
            try {
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
                said = p.waitFor() == 0 ? out.lines().reduce((x, y) -> y).orElse("?") : "torch (the probe failed: " + out + ")";
            } catch (IOException e) {
                said = "torch (the probe failed: " + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                said = "torch (interrupted)";
            }
            return said + " (" + python + "), allocator " + allocator().description()
                    + (overrides.isEmpty() ? "" : "; " + overrides + " unset for it");
        }
    }

    /** glibc's malloc told to keep large freed buffers instead of returning them to the system after each call. */
    static final Map<String, String> GLIBC_KEEP = Map.of("MALLOC_MMAP_THRESHOLD_", "4294967296", "MALLOC_TRIM_THRESHOLD_", "4294967296");

    /** The allocator of a baseline process: what it is called in the output, and the environment that sets it. */
    record Allocator(String description, Map<String, String> environment) {
        void applyTo(ProcessBuilder pb) {
            pb.environment().putAll(environment);
        }
    }

    /**
     * The allocator PyTorch's baselines run with, as its CPU performance guide asks (jemalloc,
     * tcmalloc, or glibc's malloc kept from returning large buffers): glibc's malloc with
     * {@link #GLIBC_KEEP}. With glibc's defaults PyTorch hands its large temporaries back to the
     * system after every call and pays their page faults on the next. Measured on this AMD EPYC
     * (Debian's PyTorch 1.13, one pinned thread, medians of 10 steps), glibc default / glibc
     * keeping / jemalloc preloaded (with the guide's MALLOC_CONF): the CNN training step 80.4 /
     * 26.1 / 74.7 ms, conv2d 1->32 at 28x28 21.6 / 4.4 / 4.5 ms, the LSTM of bench rnn 45.2 /
     * 35.3-36.8 / 34.4 ms, the GRU 29.0 / 29.8-30.0 / 28.5 ms. jemalloc is slower on the CNN
     * step (its max-pool backward's buffers), so the baselines keep glibc's buffers instead.
     */
    static Allocator allocator() {
        return ALLOCATOR;
    }

    private static final Allocator ALLOCATOR = new Allocator("glibc malloc keeping large buffers (MALLOC_MMAP_THRESHOLD_="
            + "MALLOC_TRIM_THRESHOLD_=4 GiB, as PyTorch's CPU performance guide advises against page faults)", GLIBC_KEEP);

    /**
     * The variables that make OpenBLAS run a kernel other than its own best: some of these
     * machines set {@code OPENBLAS_CORETYPE=Haswell} (AVX2 kernels on an AVX-512 core, 1.6x
     * slower) and {@code OPENBLAS_L2_SIZE}. They are removed from a baseline's process only,
     * never from vecgrad's or the tests'.
     */
    static final List<String> BLAS_OVERRIDES = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    /**
     * A baseline's environment: {@code threads} threads for OpenMP, OpenBLAS and MKL (torch's
     * set_num_threads does not reach OpenBLAS), and OpenBLAS free to pick its own kernel.
     */
    static void baselineEnvironment(ProcessBuilder pb, int threads) {
        for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
            pb.environment().put(v, Integer.toString(threads));
        }
        for (String v : BLAS_OVERRIDES) {
            pb.environment().remove(v);
        }
    }

    /** What this process's environment overrides in OpenBLAS ("OPENBLAS_CORETYPE=Haswell"), or "" when nothing; the baselines drop it. */
    static String blasOverrides() {
        StringBuilder sb = new StringBuilder();
        for (String v : BLAS_OVERRIDES) {
            String value = System.getenv(v);
            if (value != null) {
                sb.append(sb.isEmpty() ? "" : " ").append(v).append('=').append(value);
            }
        }
        return sb.toString();
    }

    /**
     * @throws IllegalStateException saying how to install PyTorch (or to pass --no-baseline) when no Python has it
     */
    static Torch torch(String resource, String... modules) throws IOException {
        StringBuilder why = new StringBuilder();
        String python = NumpyBaseline.findPython("torch", "python3-torch", why);
        if (python == null) {
            throw new IllegalStateException(why + " (or --no-baseline)");
        }
        // the script and the modules it imports, side by side in a folder of their own
        Path dir = Files.createTempDirectory("vecgrad-" + resource.replace(".py", ""));
        dir.toFile().deleteOnExit();
        Path script = null;
        for (String name : concat(resource, modules)) {
            Path file = dir.resolve(name);
            file.toFile().deleteOnExit();
            try (InputStream s = Peers.class.getResourceAsStream(name)) {
                Files.write(file, s.readAllBytes());
            }
            script = script == null ? file : script;
        }
        return new Torch(python, script);
    }

    private static List<String> concat(String first, String[] rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    /**
     * This JVM's java, flags and class path, then {@code mainClass} and its arguments. Left out:
     * profilers and agents, and the launcher's class-data sharing archive (the bench's own, which
     * the child would otherwise read or dump to): a measured child loads its classes as a JVM
     * without that archive does, so its process times compare with earlier runs.
     */
    static ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-XX:StartFlightRecording") && !a.startsWith("-agent") && !a.startsWith("-javaagent")
                    && !a.startsWith("-XX:ArchiveClassesAtExit=") && !a.startsWith("-XX:SharedArchiveFile=")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }
}
