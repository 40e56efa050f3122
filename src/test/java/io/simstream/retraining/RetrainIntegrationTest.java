package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.PairDecision;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.model.ModelArtifact;
import io.simstream.scoring.ScoringService;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.training.Dl4jChallengerTrainer;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retrainer on a real in-JVM KRaft broker and the real registry, with the real scoring
 * service and real DL4J training: drift is learned and shipped, signal-free labels are refused,
 * the window survives a restart and a standby takes over.
 */
@Tag("integration")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RetrainIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int DIM = 32;
    // One model: the test is about rounds and the gate; an ensemble would only make it slower.
    private static final TrainingConfig TRAINING = TrainingConfig.defaults().withMaxEpochs(30).withEnsemble(1);
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    private static RetrainHarness harness(String name) throws Exception {
        return RetrainHarness.on(KAFKA.bootstrapServers(), name);
    }

    private static PairDataset distribution(double shift, int rows, long seed) {
        return SyntheticPairs.generate(SyntheticPairs.Spec.of(rows, DIM, seed).withShift(shift));
    }

    private static ModelArtifact bootstrapModelOnA() {
        return new SiameseTrainer(TRAINING, line -> { }).train(distribution(0.0, 2000, 1)).artifact();
    }

    /** Share of decisions for ids prefix0..n-1 that match the data's labels, all decided by version. */
    private static double accuracy(List<ConsumerRecord<String, PairDecision>> all, PairDataset data, String prefix,
                                   long version) {
        Map<String, PairDecision> byId = new HashMap<>();
        all.forEach(r -> byId.put(r.key(), r.value()));
        int correct = 0;
        for (int i = 0; i < data.size(); i++) {
            PairDecision d = byId.get(prefix + i);
            assertEquals(version, d.getModelVersion(), "pair " + prefix + i + " decided by the expected version");
            correct += d.getSame() == (data.labels()[i] == 1) ? 1 : 0;
        }
        return (double) correct / data.size();
    }

    private static List<ConsumerRecord<String, PairDecision>> awaitDecisions(RetrainHarness h, String prefix, int n) {
        return Await.until(n + " decisions for " + prefix + "*", h.decisions::poll,
                l -> l.stream().filter(r -> r.key().startsWith(prefix)).count() >= n, WAIT);
    }

    @Test
    void learnsAShiftedDistributionPublishesV2AndTheServiceSwapsToIt() throws Exception {
        try (RetrainHarness h = harness("drift")) {
            assertEquals(1, h.publish(bootstrapModelOnA()));
            ScoringService scoring = h.startScoring();
            RetrainService retrainer = h.startRetrainer(h.settings("r1", 2000, 1500, 1500),
                    new Dl4jChallengerTrainer(TRAINING, true));
            Await.until("retrainer active", retrainer::isActive, a -> a, WAIT);

            PairDataset before = distribution(1.0, 300, 100);
            h.sendPairs(before, "before-");
            double accuracyV1 = accuracy(awaitDecisions(h, "before-", 300), before, "before-", 1);
            // The labels of the scored pairs come back: they count online and join the window.
            h.sendLabels(before, "before-", null);
            h.sendLabels(distribution(1.0, 1200, 200), "label-", null);

            ModelEvent published = Await.until("a PUBLISHED model event", () -> h.events.stream()
                    .filter(e -> e.getEventType().equals("PUBLISHED")).findFirst().orElse(null), e -> e != null, WAIT);
            assertEquals(2L, published.getChallengerVersion());
            assertEquals(1L, published.getChampionVersion());
            assertTrue(published.getChallengerMetric() > published.getChampionMetric(),
                    "gate saw the challenger better on the holdout: " + published);
            assertEquals(300, published.getHoldoutSize(), "newest 20% of 1500 labels held out");
            Await.until("scoring service serving v2", () -> scoring.liveModel().version(), v -> v == 2L, WAIT);

            PairDataset after = distribution(1.0, 300, 300);
            h.sendPairs(after, "after-");
            double accuracyV2 = accuracy(awaitDecisions(h, "after-", 300), after, "after-", 2);
            assertTrue(accuracyV2 >= accuracyV1 + 0.08, "accuracy on B from decisions: v1 " + accuracyV1
                    + " -> v2 " + accuracyV2 + " (expected a clear rise)");

            ModelEvent online = Await.until("online accuracy of v1 over its 300 labeled decisions",
                    () -> h.modelEvents.poll().stream().map(ConsumerRecord::value)
                            .filter(e -> e.getEventType().equals("ONLINE_ACCURACY") && e.getChampionVersion() == 1L
                                    && e.getWindowSize() == 300).findFirst().orElse(null), e -> e != null, WAIT);
            assertEquals(accuracyV1, online.getChampionMetric(), 1e-9, "online accuracy equals the decisions' accuracy");
            assertTrue(h.modelEvents.poll().stream().anyMatch(r -> r.value().getEventType().equals("PUBLISHED")),
                    "the gate decision is on the model-events topic too");
        }
    }

    @Test
    void labelsWithoutSignalAreRejectedAndV1KeepsServing() throws Exception {
        try (RetrainHarness h = harness("random")) {
            h.publish(bootstrapModelOnA());
            ScoringService scoring = h.startScoring();
            h.startRetrainer(h.settings("r1", 1500, 1000, 1000), new Dl4jChallengerTrainer(TRAINING, true));
            PairDataset data = distribution(0.0, 1000, 400);
            Random coin = new Random(5);
            int[] randomLabels = new int[data.size()];
            for (int i = 0; i < randomLabels.length; i++) {
                randomLabels[i] = coin.nextInt(2);
            }
            h.sendLabels(data, "noise-", randomLabels);

            ModelEvent rejected = Await.until("a REJECTED event on the model-events topic",
                    () -> h.modelEvents.poll().stream().map(ConsumerRecord::value)
                            .filter(e -> e.getEventType().equals("REJECTED")).findFirst().orElse(null),
                    e -> e != null, WAIT);
            assertTrue(rejected.getChallengerMetric() < 0.6, "challenger near chance: " + rejected);
            assertEquals(1L, rejected.getChampionVersion());
            assertFalse(h.events.stream().anyMatch(e -> e.getEventType().equals("PUBLISHED")));
            Await.until("scoring still on v1", () -> scoring.liveModel().version(), v -> v == 1L, WAIT);
        }
    }

    @Test
    void windowSurvivesARestartAndAStandbyTakesOverWhenTheActiveStops() throws Exception {
        try (RetrainHarness h = harness("standby")) {
            ChallengerTrainer neverCalled = (data, champion) -> {
                throw new AssertionError("no retraining expected below the minimum");
            };
            RetrainSettings settings = h.settings("a", 250, 1_000_000, 1_000_000);
            RetrainService a = h.startRetrainer(settings, neverCalled);
            Await.until("first instance active", a::isActive, x -> x, WAIT);
            h.sendLabels(distribution(0.0, 300, 7), "l-", null);
            h.sendRawLabel("garbage", new byte[] {0, 0, 0, 0, 42, 1, 2});
            Await.until("window full at its capacity of 250", a::windowSize, n -> n == 250, WAIT);
            DeadLetter dl = Await.until("the undecodable label in the dead-letter topic", h.labelDeadLetters::poll,
                    l -> !l.isEmpty(), WAIT).get(0).value();
            assertEquals("DESERIALIZATION", dl.getErrorType());

            RetrainService b = h.startRetrainer(h.settings("b", 250, 1_000_000, 1_000_000), neverCalled);
            Thread.sleep(3000);
            assertFalse(b.isActive(), "a second instance stands by while the first is active");
            assertTrue(a.isActive());

            h.stop(a);
            Await.until("standby took over", b::isActive, x -> x, WAIT);
            Await.until("standby restored the window from the topic", b::windowSize, n -> n == 250, WAIT);

            h.stop(b);
            RetrainService restarted = h.startRetrainer(h.settings("c", 250, 1_000_000, 1_000_000), neverCalled);
            Await.until("restarted instance active", restarted::isActive, x -> x, WAIT);
            Await.until("restarted instance has its window back", restarted::windowSize, n -> n == 250, WAIT);
        }
    }
}
