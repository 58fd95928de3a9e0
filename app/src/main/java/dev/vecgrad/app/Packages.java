package dev.vecgrad.app;

import dev.vecgrad.models.data.FashionMnist;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Debian packages the application installs when it runs as root and lacks them (the data, Graphviz). */
final class Packages {

    private Packages() {}

    /** True when this process may install packages: root, with apt-get on the PATH. */
    static boolean canInstall() {
        return isRoot() && findOnPath("apt-get") != null;
    }

    /** apt-get install the package (after apt-get update if the first try fails), its output on log; true on success. */
    static boolean install(String pkg, PrintStream log) {
        if (run(log, "apt-get", "install", "-y", "-q", pkg)) {
            return true;
        }
        run(log, "apt-get", "update", "-q");
        return run(log, "apt-get", "install", "-y", "-q", pkg);
    }

    /**
     * Makes sure Fashion-MNIST is in {@code dir}: when it is the system directory and missing,
     * installs Debian's package with apt-get if this process runs as root. Returns whether the
     * files are there; says what it does on {@code log}.
     */
    static boolean ensureFashionMnist(Path dir, boolean mayInstall, PrintStream log) {
        if (FashionMnist.isPresent(dir)) {
            return true;
        }
        if (!mayInstall || !dir.equals(FashionMnist.SYSTEM_DIR) || !Packages.canInstall()) {
            return false;
        }
        log.println("Fashion-MNIST is not in " + dir + "; installing Debian's " + FashionMnist.DEBIAN_PACKAGE + " with apt-get");
        Packages.install(FashionMnist.DEBIAN_PACKAGE, log);
        return FashionMnist.isPresent(dir);
    }

    private static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    static Path findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static boolean run(PrintStream log, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = p.getInputStream()) {
                in.transferTo(log);
            }
            return p.waitFor() == 0;
        } catch (IOException e) {
            log.println("could not run " + command[0] + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
