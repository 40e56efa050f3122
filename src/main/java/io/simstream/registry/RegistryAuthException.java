package io.simstream.registry;

/** The registry refused our credentials (HTTP 401) or our rights (HTTP 403). */
public class RegistryAuthException extends RegistryException {
    public RegistryAuthException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode, null);
    }
}
