package io.simstream.retraining;

import io.simstream.data.SyntheticPairs;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.PythonSchemaRegistry;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 11: with every subject registered beforehand by Confluent's Python client, a retrainer that
 * runs a round (model event, maybe a publish) and dead-letters a label leaves every subject's
 * version count as it was.
 */
@Tag("integration")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RetrainRegistryVersionsIntegrationTest {
    private static final int DIM = 8;
    private static final Duration WAIT = Duration.ofMinutes(3);

    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @Test
    void preRegisteredSubjectsKeepTheirVersionCounts() throws Exception {
        String prefix = SharedRegistry.unique("rv");
        String url = SharedRegistry.url();
        Map<String, String> subjects = new LinkedHashMap<>();
        subjects.put(prefix + "-labeled-pairs-value", "LabeledPair");
        subjects.put(prefix + "-labeled-pairs-dlq-value", "DeadLetter");
        subjects.put(prefix + "-model-events-value", "ModelEvent");
        subjects.put(prefix + "-models-value", "ModelRecord");
        subjects.put(prefix + "-decisions-value", "PairDecision");
        for (var e : subjects.entrySet()) {
            PythonSchemaRegistry.registerFile(url, e.getKey(), e.getValue());
        }
        ConfluentRegistryClient direct = SharedRegistry.newClient();
        Map<String, Integer> before = counts(direct, List.copyOf(subjects.keySet()));
        try (RetrainHarness h = new RetrainHarness(KAFKA.bootstrapServers(), url, SharedRegistry.newClient(), prefix)) {
            h.publish(TestModels.random(DIM, 1));
            ChallengerTrainer trainer = (data, champion) -> TestModels.random(DIM, 2);
            RetrainService r = h.startRetrainer(h.settings("r", 200, 100, 100), trainer);
            Await.until("retrainer active", r::isActive, a -> a, WAIT);
            h.sendLabels(SyntheticPairs.generate(SyntheticPairs.Spec.of(150, DIM, 3)), "l-", null);
            h.sendRawLabel("garbage", new byte[] {0, 0, 0, 0, 42, 1, 2});
            Await.until("a model event", () -> h.modelEvents.poll(), l -> !l.isEmpty(), WAIT);
            Await.until("a label dead letter", () -> h.labelDeadLetters.poll(), l -> !l.isEmpty(), WAIT);
            assertFalse(h.events.isEmpty());
        }
        assertEquals(before, counts(direct, List.copyOf(subjects.keySet())), "every subject keeps its version count");
    }

    private static Map<String, Integer> counts(ConfluentRegistryClient registry, List<String> subjects) {
        Map<String, Integer> m = new LinkedHashMap<>();
        subjects.forEach(s -> m.put(s, registry.versions(s).size()));
        return m;
    }
}
