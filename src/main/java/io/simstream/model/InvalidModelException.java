package io.simstream.model;

/** A model artifact that cannot be loaded: bad magic, checksum mismatch, inconsistent shapes. */
public class InvalidModelException extends Exception {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
