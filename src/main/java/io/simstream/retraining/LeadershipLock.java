package io.simstream.retraining;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active retrainer per model name, using Kafka's group coordinator as the lock: every
 * instance joins the same consumer group on a single-partition lock topic, and the member that
 * is assigned that partition is the active one. When it stops (or dies and its session times
 * out) the coordinator hands the partition, and so the role, to a standby. No record is ever
 * written to or read from the lock topic; polling only keeps the membership alive.
 */
public final class LeadershipLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipLock.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean active = new AtomicBoolean();
    private final String description;

    /**
     * @param clientProps bootstrap servers and security settings
     * @param lockTopic an existing topic with exactly one partition
     * @param groupId one group per model name
     */
    public LeadershipLock(Map<String, Object> clientProps, String lockTopic, String groupId, Duration sessionTimeout) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, sessionTimeout.toMillis() / 4));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        this.description = groupId + " on " + lockTopic;
        consumer.subscribe(List.of(lockTopic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty() && active.compareAndSet(true, false)) {
                    LOG.info("Lost the active role ({}): standing by", description);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty() && active.compareAndSet(false, true)) {
                    LOG.info("Took the active role ({})", description);
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                onPartitionsRevoked(partitions);
            }
        });
    }

    /** Keeps the membership alive and processes role changes. Call from the owning thread, often. */
    public boolean poll(Duration timeout) {
        consumer.poll(timeout);
        return active.get();
    }

    public boolean isActive() {
        return active.get();
    }

    /** Leaves the group at once, so a standby takes over without waiting for the session timeout. */
    @Override
    public void close() {
        active.set(false);
        consumer.close(Duration.ofSeconds(5));
    }
}
