package io.simstream.registry;

/**
 * The registry has no such subject, version or schema (Confluent error codes 40401 subject not
 * found, 40402 version not found, 40403 schema not found, 40408 no subject-level compatibility).
 */
public class SchemaNotFoundException extends RegistryException {
    public SchemaNotFoundException(String message) {
        super(message);
    }

    public SchemaNotFoundException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode, null);
    }
}
