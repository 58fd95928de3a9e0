package dev.vecgrad.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's output folder: the folder the user named (or a numbered default), claimed by one
 * process, and its files written as one set.
 *
 * <p>The folder is used as it is: an existing folder is never removed or recreated, so its
 * owner, mode and links stay, and {@code --out .}, a mount point or a symbolic link to a folder
 * all work. The run's files are written into a hidden staging folder inside it,
 * {@code .vecgrad-partial}; {@link #commit()} moves them into the folder one by one, the
 * checkpoints last (well under a millisecond for the few files a run writes), so the folder holds
 * none of a run's files or all of them, and a checkpoint never sits beside another run's history.
 * Other files in the folder are left alone; files of the same names are replaced (which the
 * commands allow only with {@code --overwrite}).
 *
 * <p>Creating the staging folder is the claim: only one process can create it, so two runs
 * started together never write into one folder (the second is refused, or for a numbered
 * default folder takes the next number). Its {@code .owner} file names the process; a staging
 * folder whose process is gone (killed with {@code kill -9}) is taken over by the next run, and a
 * live process's is never touched. A folder the claim created is removed again when the run
 * ends without committing.
 */
final class RunDirectory implements AutoCloseable {

    /** The staging folder's name inside the run's folder. */
    static final String STAGING = ".vecgrad-partial";
    private static final String OWNER = ".owner";
    /** A staging folder without an owner file yet is a claim being made, for this long. */
    private static final long YOUNG_MILLIS = 60_000;

    private final Path target;
    private final Path staging;
    private final boolean created;
    private boolean committed;

    private RunDirectory(Path target, Path staging, boolean created) {
        this.target = target;
        this.staging = staging;
        this.created = created;
    }

    /** Another process is writing a run into the folder. */
    static final class Busy extends IOException {
        Busy(String message) {
            super(message);
        }
    }

    /**
     * Claims {@code target} for this process (creating it and its parents when missing) and
     * returns the run's files; a claim this process made earlier ({@link #claim}) is taken up.
     * {@link Busy} when another live process holds it.
     */
    static RunDirectory create(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        boolean created = false;
        if (!Files.exists(abs)) {
            Files.createDirectories(abs.getParent() == null ? abs : abs.getParent());
            try {
                Files.createDirectory(abs);
                created = true;
            } catch (FileAlreadyExistsException e) {
                // made by someone else meanwhile: claimed below like any existing folder
            }
        }
        if (!Files.isDirectory(abs)) {
            throw new IOException(target + " is a file, not a folder");
        }
        Path staging = abs.resolve(STAGING);
        long me = ProcessHandle.current().pid();
        for (int attempt = 0; ; attempt++) {
            try {
                Files.createDirectory(staging);
                Files.writeString(staging.resolve(OWNER), me + (created ? " created" : ""), StandardCharsets.UTF_8);
                return new RunDirectory(abs, staging, created);
            } catch (FileAlreadyExistsException e) {
                Owner owner = Owner.of(staging);
                if (owner != null && owner.pid() == me) {
                    return new RunDirectory(abs, staging, owner.created());
                }
                if (live(owner, staging) || attempt >= 3) {
                    throw busy(target, owner, "choose another folder");
                }
                takeAway(staging);
            }
        }
    }

    /**
     * Claims {@code target} now, before the run's work starts, so that the command fails at once
     * when another run holds it; {@link #create} later takes the claim up. Returns {@code target}.
     */
    static Path claim(Path target) throws IOException {
        create(target);
        return target;
    }

    /**
     * Claims the first of {@code base}, {@code base-2}, {@code base-3}, ... that holds no files
     * and no other live run, and returns it: two processes started together get two folders.
     */
    static Path claimFirstFree(Path base) throws IOException {
        Path dir = base;
        for (int n = 2; ; n++) {
            if (!CommonOptions.holdsFiles(dir) && (!Files.exists(dir) || Files.isDirectory(dir))) {
                try {
                    return claim(dir);
                } catch (Busy busy) {
                    // another run's: try the next number
                }
            }
            dir = base.resolveSibling(base.getFileName() + "-" + n);
        }
    }

    /**
     * Moves the file {@code name} a killed run left in {@code target}'s staging folder into
     * {@code target} itself (its state to resume from), before the staging folder is taken over
     * and emptied. {@link Busy} when the run that staged it is still alive.
     */
    static void recover(Path target, String name) throws IOException {
        Path staging = target.toAbsolutePath().normalize().resolve(STAGING);
        Path file = staging.resolve(name);
        if (!Files.exists(file)) {
            return;
        }
        Owner owner = Owner.of(staging);
        if (owner != null && owner.pid() == ProcessHandle.current().pid()) {
            return;
        }
        if (live(owner, staging)) {
            throw busy(target, owner, "stop it first");
        }
        try {
            move(file, staging.getParent().resolve(name));
        } catch (NoSuchFileException e) {
            // another process recovered it first
        }
    }

    /** Where the run writes its files until {@link #commit()}. */
    Path dir() {
        return staging;
    }

    /** Moves the staged files into the folder (see the class comment) and releases the claim. */
    void commit() throws IOException {
        if (committed) {
            throw new IllegalStateException("already committed: " + target);
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(staging)) {
            s.filter(p -> !p.getFileName().toString().equals(OWNER)).forEach(files::add);
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString().endsWith(".safetensors"))
                .thenComparing(p -> p.getFileName().toString()));
        for (Path f : files) {
            move(f, target.resolve(f.getFileName().toString()));
        }
        deleteTree(staging);
        committed = true;
    }

    /** A run that ended without {@link #commit()} (an exception) leaves nothing behind, and no folder it created. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            deleteTree(staging);
            if (created) {
                try {
                    Files.deleteIfExists(target);   // only when empty: a folder with files in it is not deleted
                } catch (java.nio.file.DirectoryNotEmptyException e) {
                    // someone put files in it meanwhile: keep them
                }
            }
        }
    }

    /** A claim's owner, from its {@code .owner} file ("PID" or "PID created"). */
    private record Owner(long pid, boolean created) {

        /** The owner of {@code staging}'s claim; null while the claim is being made (no file yet) or when unreadable. */
        static Owner of(Path staging) {
            try {
                String s = Files.readString(staging.resolve(OWNER), StandardCharsets.UTF_8).strip();
                return s.matches("[0-9]{1,18}( created)?") ? new Owner(Long.parseLong(s.split(" ")[0]), s.endsWith(" created")) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Whether another process's claim holds: its process runs, or, without an owner yet, the claim is being made. */
    private static boolean live(Owner owner, Path staging) {
        return owner != null ? ProcessHandle.of(owner.pid()).isPresent() : isYoung(staging);
    }

    private static Busy busy(Path target, Owner owner, String advice) {
        return new Busy(target + " is being written by another vecgrad run" + (owner != null ? " (process " + owner.pid() + ")" : "")
                + ": wait for it to finish, or " + advice);
    }

    private static boolean isYoung(Path staging) {
        try {
            FileTime t = Files.getLastModifiedTime(staging);
            return System.currentTimeMillis() - t.toMillis() < YOUNG_MILLIS;
        } catch (IOException e) {
            return false;   // gone meanwhile
        }
    }

    /** Removes a dead process's staging folder: renamed first, so that only one process removes it. */
    private static void takeAway(Path staging) throws IOException {
        Path grave = staging.resolveSibling(STAGING + ".stale-" + ProcessHandle.current().pid());
        try {
            deleteTree(grave);
            Files.move(staging, grave, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            return;   // another process took it first
        }
        deleteTree(grave);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a staging folder: files only, one level (a run writes no sub-folders). */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
