package io.simstream.registry;

/** The registry could not parse the schema it was sent (Confluent error code 42201). */
public class InvalidSchemaException extends RegistryException {
    public InvalidSchemaException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode, null);
    }
}
