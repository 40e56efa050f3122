package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.ModelEvent;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.drift.DriftReferences;
import io.simstream.model.ModelArtifact;
import io.simstream.scoring.ScoringService;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scorer's drift detection on a real broker, the real registry and a DL4J-trained model with the
 * reference captured from held-out pairs: N = 20,000 stationary pairs (100 s of the demo's traffic,
 * longer than its whole stationary phase) raise no DRIFT event, and the demo's shift (distribution A
 * to B) raises one within M = 600 pairs ((persistence + 1) windows of 200: the alarm needs two
 * alarming windows, and the shift may land anywhere in the window before them). docs/drift.md gives
 * the seeded false-alarm and delay figures over many runs; this is the same detector in the service.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DriftIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int DIM = 32;
    private static final int STATIONARY = 20_000;
    private static final int MAX_DELAY = 600;
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    private static PairDataset distribution(double shift, int rows, long seed) {
        return SyntheticPairs.generate(SyntheticPairs.Spec.of(rows, DIM, seed).withShift(shift));
    }

    @Test
    void noDriftEventOnStationaryTrafficAndOneWithinSixHundredPairsOfTheShift() throws Exception {
        try (RetrainHarness h = RetrainHarness.on(KAFKA.bootstrapServers(), "drift")) {
            ModelArtifact model = new SiameseTrainer(TrainingConfig.defaults().withMaxEpochs(30).withEnsemble(1), line -> { })
                    .train(distribution(0.0, 2000, 1)).artifact();
            model = DriftReferences.capture(model, distribution(0.0, 2000, 2), "held-out sample", true);
            assertEquals(1, h.publish(model));
            ScoringService scoring = h.startScoring();
            Await.until("v1 serves", () -> scoring.liveModel().version(), v -> v == 1L, WAIT);

            h.sendPairs(distribution(0.0, STATIONARY, 3), "a-");
            Await.until(STATIONARY + " decisions", h.decisions::poll, l -> l.size() >= STATIONARY, WAIT);
            Thread.sleep(1000);
            assertTrue(drifts(h).isEmpty(), "no DRIFT event on stationary traffic: " + drifts(h));
            assertEquals(STATIONARY / 200.0, windowsOf(scoring), 1.0, "every stationary window was tested");

            h.sendPairs(distribution(1.0, 1000, 4), "b-");
            ModelEvent drift = Await.until("a DRIFT event after the shift", () -> drifts(h),
                    l -> !l.isEmpty(), WAIT).get(0);
            long detectedAt = Long.parseLong(drift.getDetails().get("detectedPair"));
            assertTrue(detectedAt > STATIONARY && detectedAt - STATIONARY <= MAX_DELAY,
                    "detected " + (detectedAt - STATIONARY) + " pairs after the shift: " + drift.getDetails());
            long onsetAt = Long.parseLong(drift.getDetails().get("onsetPair"));
            assertTrue(Math.abs(onsetAt - STATIONARY) <= 200, "onset within a window of the shift: " + onsetAt);
            assertEquals(1L, drift.getChampionVersion());
            assertEquals("champion", drift.getDetails().get("role"));
            System.out.printf("drift: no alarm in %d stationary pairs; alarm %d pairs after the shift (onset pair %d,"
                    + " cause %s)%n", STATIONARY, detectedAt - STATIONARY, onsetAt, drift.getDetails().get("cause"));
        }
    }

    private static List<ModelEvent> drifts(RetrainHarness h) {
        return h.modelEvents.poll().stream().map(ConsumerRecord::value)
                .filter(e -> e.getEventType().equals("DRIFT")).toList();
    }

    private static double windowsOf(ScoringService scoring) {
        return scoring.meterRegistry().get("simstream.drift.windows").tag("version", "1").gauge().value();
    }
}
