package io.simstream.scoring;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread that dies (a registry outage longer than registry.wait.max.ms, an unexpected
 * fatal error) is replaced: its transaction is aborted and its records are read again from the
 * last commit. Per-record errors never get here (the processing and production handlers
 * dead-letter them). If threads keep dying (more than maxReplacements within window), something
 * is broken that a new thread will not fix: the client shuts down and `serve` exits 1, so an
 * orchestrator sees it, rather than looping silently.
 */
public final class ReplaceThreadHandler implements StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ReplaceThreadHandler.class);

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Deque<Long> recent = new ArrayDeque<>();

    public ReplaceThreadHandler(int maxReplacements, Duration window, Clock clock) {
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        long now = clock.millis();
        recent.addLast(now);
        while (!recent.isEmpty() && recent.peekFirst() < now - window.toMillis()) {
            recent.removeFirst();
        }
        if (recent.size() > maxReplacements) {
            LOG.error("{} stream threads died within {}; shutting down instead of looping", recent.size(), window,
                    exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("a stream thread died; replacing it (its transaction aborts, its records are read again)",
                exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
