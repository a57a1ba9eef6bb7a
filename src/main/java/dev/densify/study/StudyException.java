package dev.densify.study;

/**
 * A study cannot be opened or continued: a corrupt or foreign database, a study with another
 * configuration, a study already open in another process. The message names the file and the
 * problem; the file is left as it was.
 */
public class StudyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StudyException(String message) {
        super(message);
    }

    public StudyException(String message, Throwable cause) {
        super(message, cause);
    }
}
