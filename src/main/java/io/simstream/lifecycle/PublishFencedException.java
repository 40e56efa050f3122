package io.simstream.lifecycle;

/**
 * A newer publisher of the same model name (same transactional.id) initialised after this one: this
 * publish was aborted and nothing it sent is visible. For a retrainer this means another instance
 * took over the round (it is a zombie), not that training failed.
 */
public final class PublishFencedException extends RuntimeException {
    public PublishFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
