package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.config.ScoringConfig;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** What `serve --profile` hands Kafka Streams, which settings win over it, and the bounded RocksDB setter. */
class ScoringProfileTest {
    private static Properties streams(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "b:1", "registry.url", "http://r"));
        m.putAll(extra);
        ScoringConfig config = ScoringConfig.of(m);
        return ScoringService.streamsProperties(config, new Topics(TopicNames.DEFAULT, new InMemorySchemaRegistry(), 1),
                new ScoringMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                        new LiveModel("default")));
    }

    @Test
    void latencyProfileSendsAtOnceAndCommitsOftenUnderExactlyOnce() {
        Properties p = streams(Map.of("profile", "latency"));
        assertEquals("0", p.get("linger.ms"));
        assertEquals("200", p.get("max.poll.records"));
        assertEquals(20L, p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals(BoundedRocksDbConfig.class, p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
        assertEquals(32L << 20, p.get(BoundedRocksDbConfig.TOTAL_BYTES_CONFIG));
    }

    @Test
    void throughputProfileBatchesAndIsTheDefault() {
        Properties p = streams(Map.of());
        assertEquals("100", p.get("linger.ms"));
        assertEquals(String.valueOf(256 * 1024), p.get("batch.size"));
        assertEquals(100L, p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    }

    @Test
    void explicitSettingsWinOverTheProfile() {
        Properties p = streams(Map.of("profile", "latency", "kafka.linger.ms", "3", "commit.interval.ms", "250",
                "rocksdb.memory.bytes", String.valueOf(8 << 20)));
        assertEquals("3", p.get("linger.ms"));
        assertEquals(250L, p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals(8L << 20, p.get(BoundedRocksDbConfig.TOTAL_BYTES_CONFIG));
        Properties alos = streams(Map.of("profile", "latency", "processing.guarantee", "at_least_once"));
        assertEquals(100L, alos.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG),
                "under at-least-once the interval does not delay output: the configured one stays");
    }

    @Test
    void everyStoreSharesOneCappedCacheWithSmallMemtables() {
        RocksDB.loadLibrary();
        BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
        try (Options a = new Options(); Options b = new Options()) {
            setter.setConfig("waiting-0", a, Map.of(BoundedRocksDbConfig.TOTAL_BYTES_CONFIG, 16L << 20));
            setter.setConfig("models", b, Map.of(BoundedRocksDbConfig.TOTAL_BYTES_CONFIG, 16L << 20));
            long cap = BoundedRocksDbConfig.totalBytes();
            assertTrue(cap == 16L << 20 || cap == 32L << 20, "the first store's configured cap: " + cap);
            for (Options o : new Options[] {a, b}) {
                assertEquals(Math.max(1L << 20, cap / 2 / 4), o.writeBufferSize());
                assertEquals(2, o.maxWriteBufferNumber());
                assertTrue(((BlockBasedTableConfig) o.tableFormatConfig()).cacheIndexAndFilterBlocks(),
                        "index and filter blocks count against the cap");
            }
        }
    }
}
