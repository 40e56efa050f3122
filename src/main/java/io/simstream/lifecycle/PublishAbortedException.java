package io.simstream.lifecycle;

/** A publish ended by a shutdown (interrupt) before it committed: its transaction was aborted. */
public final class PublishAbortedException extends RuntimeException {
    public PublishAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
