package io.simstream.demo;

import io.simstream.avro.PairDecision;
import io.simstream.topics.TopicSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accuracy of the decisions the scorers MADE in each second (by their scoredAt), whichever version
 * made them, judged against the true labels the traffic generator knows: what users of the decisions
 * got at that moment. The online-quality app measures the same, but only once the labels come back
 * (labelDelay later); the demo reports both.
 */
final class ServedAccuracy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedAccuracy.class);

    /** Per second since start: [correct, total]. */
    private final ConcurrentSkipListMap<Long, long[]> bySecond = new ConcurrentSkipListMap<>();
    private final KafkaConsumer<String, PairDecision> consumer;
    private final TrafficGenerator traffic;
    private final long startMs;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    ServedAccuracy(Map<String, Object> clientConfig, TopicSpec<String, PairDecision> decisions, TrafficGenerator traffic,
                   long startMs) {
        this.traffic = traffic;
        this.startMs = startMs;
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(c, decisions.keySerde().deserializer(), decisions.valueSerde().deserializer());
        List<TopicPartition> parts = consumer.partitionsFor(decisions.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::loop, "demo-served-accuracy");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, PairDecision> r : consumer.poll(Duration.ofMillis(100))) {
                    Boolean truth = traffic.labelOf(r.value().getPairId());
                    if (truth == null) {
                        continue;
                    }
                    long second = (r.value().getScoredAt().toEpochMilli() - startMs) / 1000;
                    long[] counts = bySecond.computeIfAbsent(second, s -> new long[2]);
                    synchronized (counts) {
                        counts[0] += r.value().getSame() == truth ? 1 : 0;
                        counts[1]++;
                    }
                }
            }
        } catch (RuntimeException e) {
            if (running.get()) {
                LOG.warn("served-accuracy reader stopped: {}", e.toString());
            }
        }
    }

    /** Accuracy of the decisions made in [fromSecond, toSecond), NaN without enough of them. */
    double between(double fromSecond, double toSecond, int minDecisions) {
        long correct = 0;
        long total = 0;
        for (var e : bySecond.subMap((long) Math.floor(fromSecond), (long) Math.floor(toSecond)).values()) {
            synchronized (e) {
                correct += e[0];
                total += e[1];
            }
        }
        return total < minDecisions ? Double.NaN : (double) correct / total;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
