package io.simstream.registry;

import io.simstream.registry.RegistryException;
import io.simstream.registry.SerdeException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits out schema-registry faults instead of blaming the record. A {@link SerdeException} means
 * the bytes are bad (the caller dead-letters them); any other {@link RegistryException}
 * (unreachable, timeout, 5xx, auth) is infrastructure: the calling thread sleeps with backoff and
 * retries the same call until it succeeds or the budget runs out.
 *
 * <p>Why block the stream thread rather than fail the deserialization or park the record: a
 * DeserializationExceptionHandler can only drop, dead-letter or fail (and fail kills the stream
 * thread), a processor exception goes to the processing handler with the same choices, and
 * Streams' own retry path for a task (TaskCorruptedException under exactly-once) commits the
 * thread's other tasks in the same transaction as the failing task's earlier output. Blocking
 * keeps the record and the open transaction intact; the budget is kept below the producer's
 * transaction timeout and max.poll.interval.ms (the service raises both to budget + margin), so
 * neither the broker aborts the transaction nor the group evicts the member while we wait. Past
 * the budget the call throws {@link RegistryOutageException}: the processing handler lets it fail
 * the thread, which the uncaught-exception handler replaces; the open transaction is aborted and
 * the record is read again from the last commit, so an outage longer than the budget costs a
 * thread restart per budget, never a record.
 */
public final class RegistryWait {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWait.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Duration budget;
    private final AtomicReference<String> outage = new AtomicReference<>();
    private volatile boolean stopping;

    /** budget null = wait without limit (threads that hold no transaction, e.g. startup, the global thread). */
    public RegistryWait(Duration budget) {
        this.budget = budget;
    }

    public static RegistryWait unbounded() {
        return new RegistryWait(null);
    }

    /** The registry fault being waited out right now, or null. /ready reports it. */
    public String currentOutage() {
        return outage.get();
    }

    /** Makes waiting calls give up at once (shutdown). */
    public void stop() {
        stopping = true;
    }

    /** Runs action, retrying through registry faults; SerdeException (bad bytes) passes straight through. */
    public <T> T call(String what, Supplier<T> action) {
        long start = System.nanoTime();
        long backoff = MIN_BACKOFF_MS;
        int attempt = 0;
        while (true) {
            try {
                T result = action.get();
                if (attempt > 0) {
                    LOG.info("the schema registry answered again after {} s: {}",
                            Duration.ofNanos(System.nanoTime() - start).toSeconds(), what);
                    outage.set(null);
                }
                return result;
            } catch (SerdeException e) {
                throw e;
            } catch (RegistryException e) {
                attempt++;
                String why = "waiting for the schema registry to " + what + ": " + e.getMessage();
                outage.set(why);
                long waited = System.nanoTime() - start;
                if (budget != null && waited > budget.toNanos()) {
                    throw new RegistryOutageException("gave up after " + budget.toSeconds() + " s " + why, e);
                }
                if (stopping) {
                    throw new RegistryOutageException("shutting down while " + why, e);
                }
                if (attempt == 1) {
                    LOG.warn("{}; the record waits (not dead-lettered), retrying with backoff", why);
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryOutageException("interrupted while waiting for the schema registry", e);
        }
    }

    /** The registry stayed unavailable longer than the budget: infrastructure, never the record's fault. */
    public static final class RegistryOutageException extends RuntimeException {
        public RegistryOutageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
