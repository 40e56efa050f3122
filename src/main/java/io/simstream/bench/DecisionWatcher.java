package io.simstream.bench;

import io.simstream.avro.PairDecision;
import io.simstream.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the decisions topic (read_committed) on its own thread and records what the benchmark
 * measures: how many arrived and when the first and the latest did, end-to-end latency of the
 * pairs whose id starts with a probe prefix, and when each model version was first seen.
 */
final class DecisionWatcher implements AutoCloseable {
    private final KafkaConsumer<String, PairDecision> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong count = new AtomicLong();
    private volatile long firstNanos;
    private volatile long lastNanos;
    private volatile long warmCount = Long.MAX_VALUE;
    private volatile long warmNanos;
    private volatile String probePrefix = "\u0000";
    private final List<Long> probeLatenciesMs = new ArrayList<>();
    private final Map<Long, Long> versionFirstSeenMs = new ConcurrentHashMap<>();
    private volatile RuntimeException failure;

    /** clientConfig: the cluster's (bootstrap and security). */
    DecisionWatcher(Map<String, Object> clientConfig, TopicSpec<String, PairDecision> topic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put("isolation.level", "read_committed");
        c.put("enable.auto.commit", false);
        c.put("max.poll.records", 5000);
        consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::loop, "bench-decision-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                long wall = System.currentTimeMillis();
                for (ConsumerRecord<String, PairDecision> r : records) {
                    long n = count.getAndIncrement();
                    if (n == 0) {
                        firstNanos = now;
                    }
                    if (n == warmCount) {
                        warmNanos = now;
                    }
                    PairDecision d = r.value();
                    versionFirstSeenMs.putIfAbsent(d.getModelVersion(), wall);
                    if (d.getPairId().startsWith(probePrefix) && d.getEventTime() != null) {
                        synchronized (probeLatenciesMs) {
                            probeLatenciesMs.add(wall - d.getEventTime().toEpochMilli());
                        }
                    }
                }
                if (!records.isEmpty()) {
                    lastNanos = now;
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    long count() {
        check();
        return count.get();
    }

    /** Seconds between the first and the latest batch of decisions. */
    double spanSeconds() {
        return (lastNanos - firstNanos) / 1e9;
    }

    /** Remember when the n-th decision arrives (0-based), to time what follows a warm-up. */
    void markAt(long n) {
        warmCount = n;
    }

    /** Seconds from the marked decision to the latest batch. */
    double spanSinceMarkSeconds() {
        return (lastNanos - warmNanos) / 1e9;
    }

    void probe(String prefix) {
        synchronized (probeLatenciesMs) {
            probeLatenciesMs.clear();
        }
        probePrefix = prefix;
    }

    List<Long> probeLatencies() {
        check();
        synchronized (probeLatenciesMs) {
            return List.copyOf(probeLatenciesMs);
        }
    }

    /** Wall-clock ms when a decision of this version was first read, or null. */
    Long firstSeen(long version) {
        check();
        return versionFirstSeenMs.get(version);
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("decision reader failed: " + failure, failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
