package dev.vecgrad.models.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be read as what it claims to be (an IDX file, a safetensors checkpoint):
 * the message is one line naming the file and the problem, e.g.
 * {@code model.safetensors: truncated: the header promises 407080 bytes of tensor data, the file holds 1024}.
 */
public class FileFormatException extends IOException {

    private final Path file;

    public FileFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public FileFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that is wrong. */
    public Path file() {
        return file;
    }
}
