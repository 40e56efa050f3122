package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.ModelEvent;
import io.simstream.avro.PairDecision;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.model.ModelArtifact;
import io.simstream.scoring.ScoringService;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.TopicReader;
import io.simstream.training.Dl4jChallengerTrainer;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retraining loop left to itself on a real broker, the real registry, the real scorer and real
 * DL4J training: a retrained challenger goes out as a shadow, and the rollout controller moves it on
 * the live evidence alone, whatever the holdout gate said.
 */
@Tag("integration")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class RolloutIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int DIM = 32;
    private static final TrainingConfig TRAINING = TrainingConfig.defaults().withMaxEpochs(30).withEnsemble(1);
    private static final RolloutPolicy.Settings ROLLOUT = new RolloutPolicy.Settings(0.05, 0.1, 100,
            Duration.ofMinutes(5), 50, 50, Duration.ofMinutes(5));
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    private static RetrainHarness harness(String name) throws Exception {
        return RetrainHarness.on(KAFKA.bootstrapServers(), name);
    }

    private static PairDataset distribution(double shift, int rows, long seed) {
        return SyntheticPairs.generate(SyntheticPairs.Spec.of(rows, DIM, seed).withShift(shift));
    }

    private static ModelArtifact modelOn(double shift) {
        return new SiameseTrainer(TRAINING, line -> { }).train(distribution(shift, 2000, 1)).artifact();
    }

    private static RetrainService retrainer(RetrainHarness h, ChallengerTrainer trainer, double gateMinimum) {
        RetrainSettings s = h.settings("r", 600, 500, 500);
        return h.startRetrainer(new RetrainSettings(s.applicationId(), s.modelName(), s.windowSize(), s.everyLabels(),
                s.everyInterval(), s.minLabels(), s.holdoutFraction(), s.metric(), s.tolerance(), gateMinimum,
                s.labelDelay(), s.sessionTimeout(), s.stateDir(), s.commitIntervalMs()).withRollout(ROLLOUT), trainer);
    }

    private static ModelEvent awaitEvent(RetrainHarness h, String type, long version) {
        return Await.until(type + " of v" + version, () -> h.events.stream().filter(e -> e.getEventType().equals(type)
                && Long.valueOf(version).equals(e.getChallengerVersion())).findFirst().orElse(null), e -> e != null, WAIT);
    }

    /**
     * An annotation bug flips every label for a while. The challenger trained on them beats the champion
     * on the (equally flipped) holdout and passes the gate; once correct labels come back for the pairs it
     * shadows, the sequential test finds it worse and the controller rolls it back: it never decided a
     * single pair.
     */
    @Test
    void aChallengerTrainedOnFlippedLabelsPassesTheGateAndIsRolledBackBeforeItDecidesAnything() throws Exception {
        try (RetrainHarness h = harness("flipped");
             TopicReader<String, PairDecision> shadows = new TopicReader<>(KAFKA.bootstrapServers(),
                     h.names.decisionsShadow(),
                     RetrainHarness.PARTITIONS, Serdes.String().deserializer(),
                     h.topics.decisionsShadow().valueSerde().deserializer())) {
            assertEquals(1, h.publish(modelOn(0.0)));
            ScoringService scoring = h.startScoring();
            // No floor on the holdout metric (gate.minimum 0): the gate only compares the challenger with the
            // champion on the newest labels, which are as flipped as the rest, so the champion looks hopeless.
            RetrainService r = retrainer(h, new Dl4jChallengerTrainer(TRAINING, true), 0.0);
            Await.until("retrainer active", r::isActive, a -> a, WAIT);

            PairDataset bug = distribution(0.0, 500, 10);
            int[] flipped = new int[bug.size()];
            for (int i = 0; i < flipped.length; i++) {
                flipped[i] = 1 - bug.labels()[i];
            }
            h.sendLabels(bug, "bug-", flipped);
            ModelEvent published = awaitEvent(h, "PUBLISHED", 2);
            assertTrue(published.getChallengerMetric() > published.getChampionMetric(),
                    "the flipped challenger wins the flipped holdout: " + published);
            assertEquals("shadow", published.getDetails().get("stage"));
            Await.until("scorer shadows v2", scoring.liveModel()::candidateVersion, v -> v == 2L, WAIT);

            PairDataset live = distribution(0.0, 400, 20);
            h.sendPairs(live, "live-");
            Await.until("400 decisions", h.decisions::poll, l -> l.size() >= 400, WAIT);
            h.sendLabels(live, "live-", null);

            ModelEvent rolledBack = awaitEvent(h, "ROLLED_BACK", 2);
            assertTrue(rolledBack.getReason().contains("worse"), rolledBack.getReason());
            assertTrue(Long.parseLong(rolledBack.getDetails().get("champion_only"))
                    > Long.parseLong(rolledBack.getDetails().get("candidate_only")), rolledBack.getDetails().toString());
            Await.until("the scorer dropped v2", scoring.liveModel()::candidateVersion, v -> v == 0L, WAIT);
            assertEquals(1L, scoring.liveModel().version());
            assertTrue(h.events.stream().noneMatch(e -> e.getEventType().equals("PROMOTED")), "never promoted");
            assertTrue(h.decisions.poll().stream().allMatch(d -> d.value().getModelVersion() == 1L),
                    "every decision was v1's: the bad challenger never decided a pair");
            Instant firstBad = shadows.poll().stream().map(ConsumerRecord::value)
                    .filter(d -> d.getModelVersion() == 2L).map(PairDecision::getScoredAt).min(Instant::compareTo)
                    .orElseThrow();
            System.out.printf("rollback of a bad challenger: %d ms from its first (shadow) decision to ROLLED_BACK;"
                    + " evidence %s%n", Duration.between(firstBad, rolledBack.getAt()).toMillis(), rolledBack.getDetails());
        }
    }

    /** After a shift, a challenger trained on the new labels goes shadow -> canary -> full on live evidence. */
    @Test
    void aBetterChallengerIsPromotedThroughShadowAndCanaryToFull() throws Exception {
        try (RetrainHarness h = harness("better")) {
            assertEquals(1, h.publish(modelOn(0.0)));
            ScoringService scoring = h.startScoring();
            RetrainService r = retrainer(h, new Dl4jChallengerTrainer(TRAINING, true), 0.6);
            Await.until("retrainer active", r::isActive, a -> a, WAIT);

            h.sendLabels(distribution(1.0, 500, 30), "b-", null);
            awaitEvent(h, "PUBLISHED", 2);
            Await.until("scorer shadows v2", scoring.liveModel()::candidateVersion, v -> v == 2L, WAIT);

            // Traffic of the shifted distribution, labeled soon after, until v2 serves everything.
            int batch = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (scoring.liveModel().version() != 2L && System.nanoTime() < deadline) {
                PairDataset live = distribution(1.0, 100, 100 + batch);
                String prefix = "live" + batch++ + "-";
                h.sendPairs(live, prefix);
                Await.until("decisions of " + prefix, h.decisions::poll,
                        l -> l.stream().filter(d -> d.key().startsWith(prefix)).count() >= 100, WAIT);
                h.sendLabels(live, prefix, null);
                Thread.sleep(300);
            }
            assertEquals(2L, scoring.liveModel().version(), () -> "v2 serves all pairs; comparisons "
                    + r.metrics().comparisons() + ", shadow accuracy " + r.metrics().shadowAccuracy() + ", served "
                    + r.metrics().onlineAccuracy() + ", events " + h.modelEvents.poll().stream()
                    .map(e -> e.value().getEventType()).toList() + ", candidate " + scoring.liveModel().deployment());
            List<ModelEvent> promotions = h.events.stream().filter(e -> e.getEventType().equals("PROMOTED")).toList();
            assertEquals(List.of("canary 50%", "full"), promotions.stream().map(e -> e.getDetails().get("to")).toList());
            ModelEvent toCanary = promotions.get(0);
            assertNotNull(toCanary.getDetails().get("llr_better"));
            assertTrue(Double.parseDouble(toCanary.getDetails().get("llr_better"))
                    >= Double.parseDouble(toCanary.getDetails().get("boundary")), toCanary.getDetails().toString());
            assertTrue(Long.parseLong(promotions.get(1).getDetails().get("candidate_served")) >= 50,
                    "the canary decided at least canary.min.labels labeled pairs itself");
            assertTrue(h.events.stream().noneMatch(e -> e.getEventType().equals("ROLLED_BACK")));
        }
    }
}
