package io.simstream.scoring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.lifecycle.Rollout;
import io.simstream.lifecycle.RolloutStage;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.topics.ModelKeys;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The restart path of KAFKA-7663 / KAFKA-8037: a global store restored from its checkpoint or
 * topic without the processor seeing the records. init() alone must bring the model back.
 */
class ModelStoreRestoreTest {
    private final LiveModel live = new LiveModel("default");
    private final ScoringMetrics metrics = new ScoringMetrics(new SimpleMeterRegistry(), live);
    private final Topics topics = new Topics(TopicNames.DEFAULT, new InMemorySchemaRegistry(), 1);

    private KeyValueStore<String, byte[]> storeHolding(MockProcessorContext<Void, Void> context,
                                                      Map<String, ModelRecord> records) {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ScoringTopology.MODEL_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        records.forEach((k, v) -> store.put(k, topics.models().valueSerde().serializer().serialize(topics.models().name(), v)));
        return store;
    }

    private ModelStoreProcessor processor() {
        return (ModelStoreProcessor) new ModelStoreProcessor.Supplier(topics.models(), ScoringRuntime.builder("restore",
                live, new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC()), metrics).build()).get();
    }

    @Test
    void initLoadsTheServedModelFromAStoreFilledWithoutProcess() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(new Properties());
        storeHolding(context, Map.of(
                "default", ModelRecords.of(TestModels.random(8, 1), "default", 3, Map.of(), Instant.now()),
                "other", ModelRecords.of(TestModels.random(8, 2), "other", 9, Map.of(), Instant.now())));
        assertFalse(live.isLoaded());

        processor().init(context);

        assertEquals(3L, live.version(), "the served name's model is live; other names are not served");
        assertEquals(1.0, metrics.swapCount());
    }

    @Test
    void initRestoresTheCandidateInRolloutBesideTheChampion() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(new Properties());
        storeHolding(context, Map.of(
                "default", ModelRecords.of(TestModels.random(8, 1), "default", 3, Map.of(), Instant.now()),
                ModelKeys.candidate("default"), ModelRecords.of(TestModels.random(8, 2), "default", 4, Map.of(),
                        Instant.now(), Rollout.canary(30))));

        processor().init(context);

        Deployment restored = live.deployment();
        assertEquals(3L, restored.champion().version());
        assertEquals(4L, restored.candidate().version());
        assertEquals(RolloutStage.CANARY, restored.stage());
        assertEquals(30.0, restored.canaryPercent());
    }

    @Test
    void aCorruptRecordInTheStoreIsRejectedAtInitAndNothingIsServed() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(new Properties());
        ModelRecord corrupt = ModelRecords.of(TestModels.random(8, 1), "default", 3, Map.of(), Instant.now());
        corrupt.setArtifact(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        storeHolding(context, Map.of("default", corrupt));

        processor().init(context);

        assertFalse(live.isLoaded());
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.SHA_MISMATCH));
    }

    @Test
    void aRejectedRecordSeenAgainAtTheSameOffsetIsCountedOnce() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(new Properties());
        storeHolding(context, Map.of());
        ModelStoreProcessor p = processor();
        p.init(context);
        byte[] garbage = {1, 2, 3};
        context.setRecordMetadata(topics.models().name(), 0, 5);
        p.process(new org.apache.kafka.streams.processor.api.Record<>("default", garbage, 0));
        p.process(new org.apache.kafka.streams.processor.api.Record<>("default", garbage, 0));
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.UNDECODABLE), "a replay is not a new rejection");
        context.setRecordMetadata(topics.models().name(), 0, 6);
        p.process(new org.apache.kafka.streams.processor.api.Record<>("default", garbage, 0));
        assertEquals(2.0, metrics.rejectionCount(ModelRejectedException.Reason.UNDECODABLE), "another offset counts");
    }
}
