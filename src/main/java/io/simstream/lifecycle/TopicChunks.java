package io.simstream.lifecycle;

import io.simstream.avro.ModelRecord;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Chunk records read back from a topic at the offsets a scan noted (models show/export/rollback,
 * score --model): one record at a time, in the order a manifest lists them, so a large model is
 * never held as bytes by the operator's commands either.
 */
final class TopicChunks implements ChunkStream.Chunks, AutoCloseable {
    /** Where one record is. */
    record Position(String topic, int partition, long offset) {
    }

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private final Map<String, Position> positions;
    private final Map<String, TopicSpec<String, ModelRecord>> specs;
    private final Map<String, Object> clientConfig;
    private KafkaConsumer<String, byte[]> consumer;

    TopicChunks(Map<String, Object> clientConfig, Map<String, Position> positions,
                Map<String, TopicSpec<String, ModelRecord>> specsByTopic) {
        this.positions = positions;
        this.specs = specsByTopic;
        this.clientConfig = clientConfig;
    }

    /** Made on the first chunk asked for: most records are not chunked. */
    private KafkaConsumer<String, byte[]> consumer() {
        if (consumer != null) {
            return consumer;
        }
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        return consumer;
    }

    @Override
    public ModelRecord chunk(String key) throws ChunkStream.Problem {
        Position p = positions.get(key);
        if (p == null) {
            return null;
        }
        TopicPartition tp = new TopicPartition(p.topic(), p.partition());
        KafkaConsumer<String, byte[]> consumer = consumer();
        if (!consumer.assignment().contains(tp)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, p.offset());
        } else if (consumer.position(tp) != p.offset()) {
            consumer.seek(tp, p.offset());
        }
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() == p.offset() && key.equals(r.key()) && r.value() != null) {
                    return specs.get(p.topic()).valueSerde().deserializer().deserialize(p.topic(), r.value());
                }
                if (r.offset() >= p.offset()) {
                    return null;
                }
            }
        }
        throw new ChunkStream.Problem(ModelRejectedException.Reason.CHUNK_MISSING, "could not read chunk '" + key
                + "' at " + p + " within " + DEADLINE.toSeconds() + " s");
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
