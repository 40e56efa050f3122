package io.simstream.deadletter;

/** Where a dead letter is counted by its reason (the scorer's metrics); the handlers only report to it. */
public interface DeadLetterCounter {
    void deadLetter(DeadLetterReason reason);
}
