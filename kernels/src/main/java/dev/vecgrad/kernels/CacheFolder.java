package dev.vecgrad.kernels;

import java.nio.file.Path;

/**
 * vecgrad's folder for what it keeps between runs (inflated datasets, tuned GEMM block sizes):
 * {@code $VECGRAD_CACHE}, else {@code $XDG_CACHE_HOME/vecgrad} (an absolute one: a relative one is
 * to be ignored, as the XDG base directories say), else {@code ~/.cache/vecgrad}; none when
 * {@code VECGRAD_CACHE} is {@code off} or no home is known.
 */
public final class CacheFolder {

    private CacheFolder() {}

    /** The folder, or null when there is none. */
    public static Path root() {
        String own = System.getenv("VECGRAD_CACHE");
        if (own != null && !own.isBlank()) {
            return own.equals("off") ? null : Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "vecgrad");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "vecgrad");
    }
}
