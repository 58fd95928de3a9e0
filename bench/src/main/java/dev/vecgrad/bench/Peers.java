package dev.vecgrad.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the suites share to run their peers in fresh processes: PyTorch scripts, and vecgrad in a new JVM. */
final class Peers {

    private Peers() {}

    /** A Python with PyTorch and the bench resource {@code name} copied to a temp file (deleted on exit). */
    record Torch(String python, Path script) {

        /** python script args..., with the thread variables of OpenMP, OpenBLAS and MKL set to {@code threads}. */
        ProcessBuilder command(int threads, String... args) {
            List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
                pb.environment().put(v, Integer.toString(threads));
            }
            return pb;
        }
    }

    /**
     * @throws IllegalStateException saying how to install PyTorch (or to pass --no-baseline) when no Python has it
     */
    static Torch torch(String resource) throws IOException {
        StringBuilder why = new StringBuilder();
        String python = NumpyBaseline.findPython("torch", "python3-torch", why);
        if (python == null) {
            throw new IllegalStateException(why + " (or --no-baseline)");
        }
        Path script = Files.createTempFile("vecgrad-" + resource.replace(".py", ""), ".py");
        script.toFile().deleteOnExit();
        try (InputStream s = Peers.class.getResourceAsStream(resource)) {
            Files.write(script, s.readAllBytes());
        }
        return new Torch(python, script);
    }

    /** This JVM's java, flags (less profilers and agents) and class path, then {@code mainClass} and its arguments. */
    static ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-XX:StartFlightRecording") && !a.startsWith("-agent") && !a.startsWith("-javaagent")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }
}
