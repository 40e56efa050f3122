package io.simstream.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a whole topic from the beginning to its current end, without a consumer group (operator
 * commands must not leave offsets behind) and read_committed (only what transactions committed).
 * A topic that does not exist reads as empty.
 */
public final class TopicScan {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private TopicScan() {
    }

    public static <K, V> List<ConsumerRecord<K, V>> readAll(Map<String, Object> clientConfig, String topic,
                                                           Deserializer<K> keys, Deserializer<V> values) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        forEach(clientConfig, topic, keys, values, out::add);
        out.sort(Comparator.<ConsumerRecord<K, V>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    /**
     * Hands each record to visitor as it is read, holding none: for topics too large to keep (the
     * chunks of large models). Records come in offset order per partition.
     */
    public static <K, V> void forEach(Map<String, Object> clientConfig, String topic, Deserializer<K> keys,
                                      Deserializer<V> values, Consumer<ConsumerRecord<K, V>> visitor) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(c, keys, values)) {
            if (!consumer.listTopics(Duration.ofSeconds(30)).containsKey(topic)) {
                return;
            }
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            // Transaction markers take offsets too, so stop on position, not on the last record seen.
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read topic " + topic + " to its end within "
                            + TimeUnit.NANOSECONDS.toSeconds(DEADLINE.toNanos()) + " s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(visitor);
            }
        }
    }
}
