package io.simstream.registry;

/**
 * The registry rejected the request itself: an invalid version (42202), an invalid compatibility
 * level (42203), or another 4xx that is not about a missing or incompatible schema.
 */
public class InvalidRequestException extends RegistryException {
    public InvalidRequestException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode, null);
    }
}
