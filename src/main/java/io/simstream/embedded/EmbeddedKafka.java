package io.simstream.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (broker and controller combined) inside this JVM, for tests
 * and for runs that should not need an external cluster. Its logs live in a temp directory that
 * is deleted on close.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /**
     * Without the replication settings a single broker cannot host the consumer-offsets and
     * transaction topics, and consumers, Streams and transactional producers hang without an error.
     * A new group is assigned at once (no 3 s wait for more members) under both rebalance protocols:
     * the classic one and KIP-1071's streams groups (group.protocol=streams, which 4.3 brokers serve
     * by default: "streams" is among group.coordinator.rebalance.protocols and new clusters are
     * formatted with the streams.version feature).
     */
    static final Map<String, String> SINGLE_NODE_PROPS = Map.of(
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "4",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "4",
            "group.initial.rebalance.delay.ms", "0",
            "group.streams.initial.rebalance.delay.ms", "0",
            "message.max.bytes", String.valueOf(16 * 1024 * 1024));

    private final KafkaClusterTestKit cluster;
    private final Path baseDir;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir) {
        this.cluster = cluster;
        this.baseDir = baseDir;
    }

    /** Formats and starts the broker and waits until it accepts clients (7-15 s on 2 cores). */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /** As {@link #start()}, with extra broker properties (they override the single-node defaults). */
    public static EmbeddedKafka start(Map<String, String> extraBrokerProps) {
        Path dir;
        try {
            dir = Files.createTempDirectory("simstream-kafka-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temp directory for the embedded broker", e);
        }
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            SINGLE_NODE_PROPS.forEach(builder::setConfigProp);
            extraBrokerProps.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, dir);
            LOG.info("embedded Kafka broker ready at {}", kafka.bootstrapServers());
            return kafka;
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /** host:port of the broker listener, for bootstrap.servers. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Path baseDirectory() {
        return baseDir;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("embedded Kafka broker did not close cleanly: {}", e.toString());
        }
    }
}
