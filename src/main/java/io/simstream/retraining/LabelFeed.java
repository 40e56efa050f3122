package io.simstream.retraining;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the labeled-pairs topic as raw bytes, keys included (decoding happens in the service, so a bad record
 * becomes a dead letter instead of a poll failure). On activation it replays the newest
 * {@code capacity} records of each partition: the topic is the window's durable store.
 */
final class LabelFeed implements AutoCloseable {
    private final Map<String, Object> clientConfig;
    private final String topic;
    private KafkaConsumer<byte[], byte[]> consumer;
    private List<TopicPartition> partitions;

    LabelFeed(Map<String, Object> clientConfig, String topic) {
        this.clientConfig = clientConfig;
        this.topic = topic;
    }

    /** Connects and takes every partition of the topic. */
    LabelFeed open() {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        return this;
    }

    /** The newest records (up to capacity per partition), oldest first by timestamp; then follows new ones. */
    List<ConsumerRecord<byte[], byte[]>> replayTail(int capacity, Duration timeout) {
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - capacity));
        }
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not replay the labeled-pairs tail within " + timeout);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        out.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        return out;
    }

    Iterable<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
        return consumer.poll(timeout);
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
