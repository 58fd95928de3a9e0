package dev.vecgrad.app;

import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.models.data.FashionMnist;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every training command takes. */
final class CommonOptions {

    /** More threads than this is a mistake, not a choice: the pool spins one thread per worker. */
    static final int MAX_THREADS = 256;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all cores, ${sys:vecgrad.cores} here).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the initial weights, the shuffling and the split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "The run's folder (default: runs/demo, runs/deblur, or runs/MODEL-DATASET for train; "
            + "with -2, -3, ... when it already holds a run).")
    Path out;

    @Option(names = "--overwrite", description = "Replace the files of an earlier run in --out (without it, an --out that holds files is refused).")
    boolean overwrite;

    @Option(names = "--json", description = "One JSON object per line on standard output: one per epoch, then the test result and the files.")
    boolean json;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files, gzip or raw (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--no-install", description = "Never install the Fashion-MNIST package, even as root.")
    boolean noInstall;

    /** The Fashion-MNIST directory: {@code --data}, else the Debian package's. */
    Path fashionMnistDir() {
        return dataDir != null ? dataDir : FashionMnist.SYSTEM_DIR;
    }

    /**
     * The Fashion-MNIST directory, installed first (Debian's package, where allowed) when a run on
     * {@code dataset} needs it; NoSuchFileException saying how to get it when it needs it and it is
     * missing. Any other dataset needs no files: the directory is returned as it is.
     */
    Path dataDirFor(String dataset) throws java.nio.file.NoSuchFileException {
        Path dir = fashionMnistDir();
        if (dataset.equals("fashion-mnist") && !Packages.ensureFashionMnist(dir, !noInstall, System.err)) {
            throw dev.vecgrad.models.data.DataSource.noFashionMnist(dir);
        }
        return dir;
    }

    /** The first common option that makes no sense (threads, the output folder), or null. */
    String problem() {
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            return "--threads must be 1 to " + MAX_THREADS + ", got " + threads;
        }
        if (out != null) {
            if (out.toString().isBlank()) {
                return "--out is empty: name a folder (. for the current one)";
            }
            if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
                return "--out " + out + " is a file, not a folder";
            }
            if (!overwrite && holdsFiles(out)) {
                return "--out " + out + " already holds files: pass --overwrite to write the run's files into it (replacing those of the same names), or choose another folder";
            }
            for (java.nio.file.Path p = out.toAbsolutePath(); p != null; p = p.getParent()) {
                if (java.nio.file.Files.exists(p)) {
                    if (!java.nio.file.Files.isDirectory(p) || !java.nio.file.Files.isWritable(p)) {
                        return "--out " + out + ": cannot write into " + p;
                    }
                    break;
                }
            }
        }
        return null;
    }

    /**
     * The output folder, claimed for this run before its work starts (see {@link RunDirectory}):
     * {@code --out}, used as it is, else the first of {@code defaultDir}, {@code defaultDir-2},
     * {@code defaultDir-3}, ... that holds no files and no other run, so that a run never replaces
     * an earlier one's files unless told to and two runs started together get two folders.
     */
    Path outDir(Path defaultDir) throws java.io.IOException {
        return out != null ? RunDirectory.claim(out) : RunDirectory.claimFirstFree(defaultDir);
    }

    /**
     * The first of {@code file}, {@code NAME-2.EXT}, {@code NAME-3.EXT}, ... that does not exist: a
     * command's default output file never replaces an earlier run's (graph and translate did).
     */
    static Path freeFile(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        Path p = file;
        for (int n = 2; java.nio.file.Files.exists(p); n++) {
            p = file.resolveSibling(stem + "-" + n + ext);
        }
        return p;
    }

    /** True when {@code dir} is a folder with at least one file in it (hidden ones included). */
    static boolean holdsFiles(Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return false;
        }
        try (var files = java.nio.file.Files.list(dir)) {
            return files.anyMatch(java.nio.file.Files::isRegularFile);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    void applyThreads() {
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
            }
            Parallelism.setThreads(threads);
        }
    }
}
