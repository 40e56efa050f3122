package io.simstream.scoring;

import io.simstream.avro.ModelRecord;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.lifecycle.Rollout;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.TestModels;
import io.simstream.topics.ModelKeys;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shadow and canary in the topology: while a candidate is out both models score every pair, the
 * deciding one to decisions and the other to the shadow topic; a canary's share is sticky per key.
 */
class RolloutTopologyTest {
    private static final int DIM = 8;
    private static final String CANDIDATE = ModelKeys.candidate("default");

    @TempDir
    Path stateDir;

    private final Random rnd = new Random(3);
    private ScoringDriver d;

    @BeforeEach
    void start() {
        d = ScoringDriver.in(stateDir).start();
    }

    @AfterEach
    void stop() {
        d.close();
    }

    private void champion(long version) {
        d.models.pipeInput("default", record(version, Rollout.FULL));
    }

    private void candidate(long version, Rollout rollout) {
        d.models.pipeInput(CANDIDATE, record(version, rollout));
    }

    private static ModelRecord record(long version, Rollout rollout) {
        ModelArtifact a = TestModels.random(DIM, version);
        return ModelRecords.of(a, "default", version, Map.of(), Instant.now(), rollout);
    }

    private void send(String key) {
        d.pairs.pipeInput(key, TestModels.pair("id-" + key, rnd, DIM));
    }

    @Test
    void aShadowScoresEveryPairToTheShadowTopicOnlyAndTheChampionStillDecides() {
        champion(1);
        candidate(2, Rollout.SHADOW);
        for (int i = 0; i < 50; i++) {
            send("k" + i);
        }
        List<KeyValue<String, PairDecision>> decisions = d.decisions.readKeyValuesToList();
        List<KeyValue<String, PairDecision>> shadows = d.shadowDecisions.readKeyValuesToList();
        assertEquals(50, decisions.size());
        assertEquals(50, shadows.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(1L, decisions.get(i).value.getModelVersion(), "a shadow never decides");
            assertEquals(2L, shadows.get(i).value.getModelVersion());
            assertEquals(decisions.get(i).key, shadows.get(i).key, "the shadow decision is keyed like the pair");
            assertEquals(decisions.get(i).value.getPairId(), shadows.get(i).value.getPairId());
        }
        assertEquals(50.0, d.metrics.shadowDecisionCount());
    }

    @Test
    void aCanaryDecidesItsShareOfKeysStickilyAndTheChampionShadowsThem() {
        champion(1);
        candidate(2, Rollout.canary(20));
        int keys = 10_000;
        for (int i = 0; i < keys; i++) {
            send("key-" + i);
        }
        Map<String, Long> first = byKey(d.decisions.readKeyValuesToList());
        long canary = first.values().stream().filter(v -> v == 2L).count();
        assertTrue(Math.abs(canary - 0.2 * keys) <= 0.03 * keys, canary + " of " + keys + " keys went to the canary");
        Map<String, Long> shadows = byKey(d.shadowDecisions.readKeyValuesToList());
        first.forEach((k, v) -> assertEquals(v == 2L ? 1L : 2L, shadows.get(k), "the other model shadows " + k));

        // The same keys again: each goes where it went before.
        for (int i = 0; i < keys; i++) {
            send("key-" + i);
        }
        assertEquals(first, byKey(d.decisions.readKeyValuesToList()), "the same key always gets the same version");

        // A wider share keeps every key that was in the canary in it.
        candidate(2, Rollout.canary(50));
        for (int i = 0; i < keys; i++) {
            send("key-" + i);
        }
        Map<String, Long> wider = byKey(d.decisions.readKeyValuesToList());
        first.forEach((k, v) -> {
            if (v == 2L) {
                assertEquals(2L, wider.get(k), k + " stays in the canary as it grows");
            }
        });
        long widerCanary = wider.values().stream().filter(v -> v == 2L).count();
        assertTrue(Math.abs(widerCanary - 0.5 * keys) <= 0.03 * keys, widerCanary + " keys at 50%");
    }

    @Test
    void aTombstoneEndsTheRolloutAndAPromotionMakesTheCandidateServeEverything() {
        champion(1);
        candidate(2, Rollout.SHADOW);
        d.models.pipeInput(CANDIDATE, (ModelRecord) null);
        send("a");
        assertEquals(1L, d.decisions.readValue().getModelVersion());
        assertTrue(d.shadowDecisions.isEmpty(), "no shadow after the rollout ended");

        candidate(3, Rollout.canary(100));
        send("b");
        assertEquals(3L, d.decisions.readValue().getModelVersion(), "a 100% canary decides every key");
        assertEquals(1L, d.shadowDecisions.readValue().getModelVersion());

        champion(3);
        d.models.pipeInput(CANDIDATE, (ModelRecord) null);
        send("c");
        assertEquals(3L, d.decisions.readValue().getModelVersion());
        assertTrue(d.shadowDecisions.isEmpty(), "promoted: one model, one decision");
        assertEquals(0L, d.live.candidateVersion());
    }

    @Test
    void aCandidateNotNewerThanTheChampionOrWithAFullStageIsNotTaken() {
        champion(5);
        candidate(4, Rollout.SHADOW);
        assertFalse(d.live.deployment().hasCandidate(), "older than the champion");
        d.models.pipeInput(CANDIDATE, record(6, Rollout.FULL));
        assertFalse(d.live.deployment().hasCandidate(), "a FULL record under the candidate key");
        assertEquals(1.0, d.metrics.rejectionCount(ModelRejectedException.Reason.BAD_RECORD));
        d.models.pipeInput("default", record(7, Rollout.SHADOW));
        assertEquals(5L, d.live.version(), "a SHADOW record under the serving key does not serve");
        assertEquals(2.0, d.metrics.rejectionCount(ModelRejectedException.Reason.BAD_RECORD));
    }

    @Test
    void aPairTheShadowCannotScoreStillGetsItsDecision() {
        champion(1);
        ModelArtifact wider = TestModels.random(DIM + 2, 9);
        d.models.pipeInput(CANDIDATE, ModelRecords.of(wider, "default", 2, Map.of("simstream.allow-dimension-change",
                "true"), Instant.now(), Rollout.SHADOW));
        assertEquals(2L, d.live.candidateVersion());
        VectorPair p = TestModels.pair("x", rnd, DIM);
        d.pairs.pipeInput("x", p);
        assertEquals(1L, d.decisions.readValue().getModelVersion());
        assertTrue(d.shadowDecisions.isEmpty(), "the shadow of another dimension scores nothing");
        assertTrue(d.deadLetters.isEmpty());
    }

    private static Map<String, Long> byKey(List<KeyValue<String, PairDecision>> list) {
        Map<String, Long> m = new HashMap<>();
        list.forEach(kv -> m.put(kv.key, kv.value.getModelVersion()));
        return m;
    }
}
