package io.simstream.scoring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.simstream.avro.ModelRecord;
import io.simstream.bench.BenchModels;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.topics.ModelKeys;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The global store's processor with a large model: chunks are kept under their keys and deleted by
 * their tombstones, a manifest swaps only when all of its chunks are there and intact, and init()
 * (a restart from the store) assembles the served manifest from the stored chunks.
 */
class ChunkedModelStoreTest {
    private final LiveModel live = new LiveModel("default");
    private final ScoringMetrics metrics = new ScoringMetrics(new SimpleMeterRegistry(), live);
    private final Topics topics = new Topics(TopicNames.DEFAULT, new InMemorySchemaRegistry(), 1);
    private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>(new Properties());
    private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(ScoringTopology.MODEL_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled().build();
    private long offset;

    ChunkedModelStoreTest() {
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    private ModelStoreProcessor processor() {
        ModelStoreProcessor p = (ModelStoreProcessor) new ModelStoreProcessor.Supplier(topics.models(),
                ScoringRuntime.builder("chunks", live, new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC()),
                        metrics).build()).get();
        p.init(context);
        return p;
    }

    private byte[] bytes(ModelRecord r) {
        return topics.models().valueSerde().serializer().serialize(topics.models().name(), r);
    }

    private void send(ModelStoreProcessor p, String key, ModelRecord value) {
        context.setRecordMetadata(topics.models().name(), 0, offset++);
        p.process(new Record<>(key, value == null ? null : bytes(value), 0));
    }

    private static ModelRecords.Split large(long version, long seed) {
        return ModelRecords.split(ModelRecords.of(BenchModels.wideEnsemble(16, 200_000, seed), "default", version,
                Map.of(), Instant.now()), 40_000);
    }

    private void sendAll(ModelStoreProcessor p, ModelRecords.Split split, int skip) {
        for (int i = 0; i < split.chunks().size(); i++) {
            if (i != skip) {
                send(p, split.manifest().getChunks().get(i).getKey(), split.chunks().get(i));
            }
        }
        send(p, "default", split.manifest());
    }

    @Test
    void aManifestSwapsOnceItsChunksAreStoredAndTheirTombstonesDeleteThem() {
        ModelStoreProcessor p = processor();
        send(p, "default", ModelRecords.of(TestModels.random(16, 1), "default", 1, Map.of(), Instant.now()));
        ModelRecords.Split v2 = large(2, 2);
        sendAll(p, v2, -1);
        assertEquals(2L, live.version());
        assertEquals(2.0, metrics.swapCount());
        String first = ModelKeys.chunk("default", 2, 0);
        assertNotNull(store.get(first), "chunks are kept in the store");

        // v3 replaces it; the publisher tombstones v2's chunks in the same transaction, after v3's manifest.
        ModelRecords.Split v3 = large(3, 3);
        sendAll(p, v3, -1);
        v2.manifest().getChunks().forEach(c -> send(p, c.getKey(), null));
        assertEquals(3L, live.version());
        assertNull(store.get(first), "a chunk tombstone deletes the chunk");
        assertNotNull(store.get(ModelKeys.chunk("default", 3, 0)));
        assertEquals(0.0, metrics.rejectionCount(Reason.CHUNK_MISSING));
    }

    @Test
    void aManifestMissingAChunkIsRejectedAndCountedWhileTheOldModelServes() {
        ModelStoreProcessor p = processor();
        send(p, "default", ModelRecords.of(TestModels.random(16, 1), "default", 1, Map.of(), Instant.now()));
        sendAll(p, large(2, 2), 1);
        assertEquals(1L, live.version());
        assertEquals(1.0, metrics.rejectionCount(Reason.CHUNK_MISSING));
        assertEquals(1L, storedVersion(), "the store keeps the last good record under the model's key");
    }

    @Test
    void initAssemblesTheServedManifestFromTheStoredChunks() {
        ModelRecords.Split v2 = large(2, 2);
        // As a restore fills the store: the records' bytes by key, without process().
        for (int i = 0; i < v2.chunks().size(); i++) {
            store.put(v2.manifest().getChunks().get(i).getKey(), bytes(v2.chunks().get(i)));
        }
        store.put("default", bytes(v2.manifest()));
        processor();
        assertEquals(2L, live.version());
        assertEquals(v2.manifest().getSha256(), live.current().sha256());
    }

    private long storedVersion() {
        return topics.models().valueSerde().deserializer().deserialize(topics.models().name(), store.get("default"))
                .getVersion();
    }
}
