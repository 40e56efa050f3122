package io.simstream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A log line that can come once per record (a dead-lettered pair, a label that cannot be used, a
 * shadow model that fails) must not flood the log or the console: at most one such line per
 * interval, and the next line says how many were left out. Counts and metrics keep every case.
 */
public final class RateLimitedLog {
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    public void warn(Logger log, String format, Object... args) {
        if (allowed()) {
            log.warn(format + suffix(), args);
        }
    }

    public void error(Logger log, String format, Object... args) {
        if (allowed()) {
            log.error(format + suffix(), args);
        }
    }

    private boolean allowed() {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    private String suffix() {
        long n = suppressed.getAndSet(0);
        return n == 0 ? "" : " (" + n + " similar line" + (n == 1 ? "" : "s") + " left out since the last one)";
    }
}
