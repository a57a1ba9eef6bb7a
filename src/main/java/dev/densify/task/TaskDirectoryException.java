package dev.densify.task;

/**
 * A task directory cannot be used: it is incomplete (a half-written or damaged build), it was
 * prepared with other parameters, or it is not a task directory at all. The message names the
 * directory and the reason.
 */
public class TaskDirectoryException extends RuntimeException {

    public TaskDirectoryException(String message) {
        super(message);
    }

    public TaskDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
