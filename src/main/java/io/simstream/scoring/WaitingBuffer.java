package io.simstream.scoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The bound on pairs that arrived before any model: this instance's totals over all its tasks'
 * waiting stores, against waiting.max.pairs and waiting.max.bytes. When a pair would cross a bound
 * it is refused here and the processor dead-letters it (BUFFER_FULL, with the exact bytes), so
 * nothing is lost silently and the store, its changelog and the restore after a crash stay bounded.
 */
public final class WaitingBuffer {
    private final long maxPairs;
    private final long maxBytes;
    private final int drainBatch;
    private long pairs;
    private long bytes;
    private volatile boolean full;

    public WaitingBuffer(long maxPairs, long maxBytes, int drainBatch) {
        if (maxPairs < 1 || maxBytes < 1 || drainBatch < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxPairs = maxPairs;
        this.maxBytes = maxBytes;
        this.drainBatch = drainBatch;
    }

    /** How many waiting pairs one drain step reads from the store at most. */
    public int drainBatch() {
        return drainBatch;
    }

    /** Reserves room for one pair of size bytes; false (and nothing reserved) when a bound would be crossed. */
    public synchronized boolean tryAdd(long size) {
        if (pairs + 1 > maxPairs || bytes + size > maxBytes) {
            full = true;
            return false;
        }
        pairs++;
        bytes += size;
        return true;
    }

    /** Pairs found in a store on restore: counted whatever the bounds (they are already stored). */
    public synchronized void restored(long n, long size) {
        pairs += n;
        bytes += size;
    }

    public synchronized void removed(long n, long size) {
        pairs -= n;
        bytes -= size;
        if (pairs < maxPairs && bytes < maxBytes) {
            full = false;
        }
    }

    public synchronized long pairs() {
        return pairs;
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** True after a pair was refused, until the buffer drains below its bounds. */
    public boolean isFull() {
        return full;
    }

    /** For /ready: how much waits, and whether new pairs are being refused. */
    public synchronized String status() {
        String s = pairs + " pairs (" + bytes + " bytes) waiting";
        return full ? s + "; waiting buffer full (waiting.max.pairs=" + maxPairs + ", waiting.max.bytes=" + maxBytes
                + "): new pairs are dead-lettered as BUFFER_FULL" : s;
    }

    public void bindTo(MeterRegistry registry) {
        Gauge.builder("simstream.pairs.waiting.bytes", this, WaitingBuffer::bytes)
                .description("Bytes of pairs waiting for a first model (key, value and headers as stored)").register(registry);
        Gauge.builder("simstream.pairs.waiting.full", this, b -> b.isFull() ? 1 : 0)
                .description("1 while the waiting buffer refuses new pairs (they are dead-lettered as BUFFER_FULL)")
                .register(registry);
    }
}
