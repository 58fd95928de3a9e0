package dev.vecgrad.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenBLAS GEMM through numpy, in a Python child process kept alive for the whole run so that
 * each shape is timed right after vecgrad's. The interpreter is the first of
 * {@code $VECGRAD_PYTHON}, {@code /usr/bin/python3}, {@code python3}, {@code python} that
 * imports numpy: Debian's {@code python3-numpy} installs for the system interpreter, which a
 * pyenv {@code python3} earlier on PATH does not see. The child gets
 * {@code OPENBLAS_NUM_THREADS} and {@code OMP_NUM_THREADS} set to the thread count under test.
 */
final class NumpyBaseline implements AutoCloseable {

    private static final Pattern NUMBER = Pattern.compile("-?[0-9.]+(?:[eE][-+]?[0-9]+)?");

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final String description;

    private NumpyBaseline(Process process, String python) throws IOException {
        this.process = process;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String hello = out.readLine();
        if (hello == null) {
            throw new IOException("the numpy baseline script exited at start (" + python + ")");
        }
        String overrides = Peers.blasOverrides();
        this.description = "numpy " + field(hello, "numpy") + ", " + field(hello, "blas") + ", kernel "
                + field(hello, "kernel") + " (" + python + ")" + (overrides.isEmpty() ? "" : "; " + overrides + " unset for it");
    }

    /** Starts the baseline, or explains in {@code why} why it cannot. */
    static NumpyBaseline start(int threads, StringBuilder why) {
        String python = findPython("numpy", "python3-numpy libopenblas0-pthread", why);
        if (python == null) {
            return null;
        }
        try {
            Path script = Files.createTempFile("vecgrad-gemm-baseline", ".py");
            script.toFile().deleteOnExit();
            try (InputStream s = NumpyBaseline.class.getResourceAsStream("gemm_baseline.py")) {
                Files.write(script, s.readAllBytes());
            }
            ProcessBuilder pb = new ProcessBuilder(python, script.toString());
            Peers.baselineEnvironment(pb, threads);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            return new NumpyBaseline(pb.start(), python);
        } catch (IOException e) {
            why.append("the numpy baseline could not start: ").append(e.getMessage());
            return null;
        }
    }

    String description() {
        return description;
    }

    /** GFLOP/s samples of numpy.matmul for one shape. */
    Samples gemm(GemmShape shape, boolean f64, int samples, double minSampleSeconds) throws IOException {
        String request = String.format(Locale.ROOT,
                "{\"m\": %d, \"n\": %d, \"k\": %d, \"ta\": %s, \"tb\": %s, \"dtype\": \"%s\", \"samples\": %d, \"min_seconds\": %.3f}",
                shape.m(), shape.n(), shape.k(), shape.transA(), shape.transB(), f64 ? "f64" : "f32", samples, minSampleSeconds);
        in.write(request);
        in.newLine();
        in.flush();
        String reply = out.readLine();
        if (reply == null) {
            throw new IOException("the numpy baseline process died");
        }
        List<Double> values = new ArrayList<>();
        Matcher m = NUMBER.matcher(reply.substring(reply.indexOf('[')));
        while (m.find()) {
            values.add(Double.parseDouble(m.group()));
        }
        return new Samples(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /**
     * The first interpreter of {@code $VECGRAD_PYTHON}, {@code /usr/bin/python3},
     * {@code python3}, {@code python} that imports {@code module}, or null with the reason
     * (and the Debian packages to install) in {@code why}.
     */
    static String findPython(String module, String debianPackages, StringBuilder why) {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("VECGRAD_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.addAll(List.of("/usr/bin/python3", "python3", "python"));
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import " + module).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
            } catch (IOException | InterruptedException ignored) {
                // try the next one
            }
        }
        why.append("no Python with ").append(module).append(" found (tried ").append(String.join(", ", candidates))
                .append("); on Debian: apt-get install ").append(debianPackages);
        return null;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "?";
    }
}
