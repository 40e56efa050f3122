package io.simstream;

/**
 * A problem with what the user gave us (a file, a flag, a config value). The CLI prints its
 * message as one line and exits non-zero, with no stack trace: the message must say what was
 * wrong and where (file, line, column, what was expected).
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
