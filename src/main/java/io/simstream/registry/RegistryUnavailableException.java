package io.simstream.registry;

/**
 * The registry could not be reached, timed out, or kept failing with 5xx (e.g. 50001 store
 * error) after the configured retries. Transient by nature: callers may retry later, and records
 * must not be dead-lettered because of it.
 */
public class RegistryUnavailableException extends RegistryException {
    public RegistryUnavailableException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, httpStatus, errorCode, cause);
    }
}
