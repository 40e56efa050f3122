package io.simstream.registry;

/**
 * Any failure talking to the schema registry. When the registry answered with an error, the HTTP
 * status and the Confluent error code (e.g. 40401, 42201) are kept so callers can branch on them;
 * both are -1 when there was no answer (connection refused, timeout) or no registry involved.
 */
public class RegistryException extends RuntimeException {
    public static final int NO_CODE = -1;

    private final int httpStatus;
    private final int errorCode;

    public RegistryException(String message) {
        this(message, NO_CODE, NO_CODE, null);
    }

    public RegistryException(String message, Throwable cause) {
        this(message, NO_CODE, NO_CODE, cause);
    }

    public RegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the registry's answer, or -1. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The Confluent error code of the registry's answer (e.g. 40401), or -1. */
    public int errorCode() {
        return errorCode;
    }
}
