package io.simstream.testkit;

import io.simstream.avro.PairDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the decisions topic with read_committed on its own thread from the beginning and notes
 * when each decision became readable, per partition: what a downstream reader sees of a rebalance
 * or a crash. {@link #pause} is the longest stretch without a readable decision on a partition,
 * {@link #resumedAfter} how long after a moment the first pair sent after it was decided there.
 */
public final class DecisionTimeline implements AutoCloseable {
    /** One decision and when this reader got it (wall clock, ms). */
    public record Seen(ConsumerRecord<String, PairDecision> record, long readAtMs) {
        public int partition() {
            return record.partition();
        }

        /** When the pair was sent (its event time), ms. */
        public long sentAtMs() {
            return record.value().getEventTime().toEpochMilli();
        }
    }

    private final KafkaConsumer<String, PairDecision> consumer;
    private final List<Seen> seen = new ArrayList<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    public DecisionTimeline(String bootstrap, String topic, int partitions, Deserializer<String> keys,
                            Deserializer<PairDecision> values) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), keys, values);
        List<TopicPartition> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(new TopicPartition(topic, p));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::run, "decision-timeline");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(20));
                long now = System.currentTimeMillis();
                synchronized (seen) {
                    records.forEach(r -> seen.add(new Seen(r, now)));
                }
            }
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Everything read so far, in reading order. */
    public List<Seen> all() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw new IllegalStateException("the decision reader failed: " + e, e);
        }
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    public List<ConsumerRecord<String, PairDecision>> records() {
        return all().stream().map(Seen::record).toList();
    }

    /**
     * ms from atMs until the first decision, on this partition, of a pair sent at or after atMs; -1
     * while there is none.
     */
    public long resumedAfter(int partition, long atMs) {
        return all().stream().filter(s -> s.partition() == partition && s.sentAtMs() >= atMs)
                .mapToLong(s -> s.readAtMs() - atMs).min().orElse(-1);
    }

    /** A stretch without a new readable decision: when it began and how long it lasted (ms). */
    public record Gap(long startMs, long lengthMs) {
    }

    /**
     * The longest stretch in [fromMs, toMs] during which this partition had no new readable decision
     * (a stretch that began before fromMs counts from fromMs).
     */
    public Gap pause(int partition, long fromMs, long toMs) {
        long last = fromMs;
        Gap longest = new Gap(fromMs, 0);
        for (Seen s : all()) {
            if (s.partition() != partition || s.readAtMs() <= fromMs) {
                continue;
            }
            long t = Math.min(s.readAtMs(), toMs);
            if (t - last > longest.lengthMs()) {
                longest = new Gap(last, t - last);
            }
            last = t;
            if (t >= toMs) {
                return longest;
            }
        }
        return toMs - last > longest.lengthMs() ? new Gap(last, toMs - last) : longest;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
