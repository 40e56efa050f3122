package io.simstream.retraining;

import io.simstream.avro.ModelEvent;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.TestModels;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One retraining round without Kafka or DL4J: what reaches the trainer, the gate and the event. */
class RetrainJobTest {
    private static final int DIM = 8;

    @Test
    void trainerNeverSeesTheHoldoutAndAPassingChallengerIsPublished() {
        AtomicInteger trainedOn = new AtomicInteger();
        AtomicReference<ModelArtifact> published = new AtomicReference<>();
        ModelArtifact champion = TestModels.random(DIM, 1);
        // A perfect-looking gate: no floor, any tolerance; the challenger is another random model.
        RetrainJob job = new RetrainJob("m", (data, champ) -> {
            trainedOn.set(data.size());
            assertEquals(champion, champ, "the champion is handed to the trainer for a warm start");
            return TestModels.random(DIM, 2);
        }, new PromotionGate(GateMetric.AUC, 1.0, 0.0), 0.25, a -> {
            published.set(a);
            return 7;
        }, Clock.systemUTC());

        ModelEvent e = job.run(LabeledWindows.synthetic(400, DIM), champion);

        assertEquals(300, trainedOn.get(), "the newest 25% (100 pairs) is held out");
        assertEquals("PUBLISHED", e.getEventType());
        assertEquals(7L, e.getChallengerVersion());
        assertEquals("m", published.get().name(), "published under the job's model name");
        assertEquals(400, e.getWindowSize());
        assertEquals(100, e.getHoldoutSize());
        assertTrue(e.getChampionMetric() >= 0 && e.getChampionMetric() <= 1, "champion scored on the holdout");
        assertTrue(e.getChallengerMetric() >= 0 && e.getChallengerMetric() <= 1, "challenger scored on the holdout");
    }

    @Test
    void aRejectedChallengerIsNotPublishedAndAFailedRoundIsReportedNotThrown() {
        AtomicInteger publishes = new AtomicInteger();
        RetrainJob rejecting = new RetrainJob("m", (data, champ) -> TestModels.random(DIM, 2),
                new PromotionGate(GateMetric.AUC, 0.0, 1.01), 0.2, a -> publishes.incrementAndGet(), Clock.systemUTC());
        ModelEvent rejected = rejecting.run(LabeledWindows.synthetic(100, DIM), null);
        assertEquals("REJECTED", rejected.getEventType());
        assertNull(rejected.getChampionVersion());
        assertEquals(0, publishes.get());

        RetrainJob failing = new RetrainJob("m", (data, champ) -> {
            throw new IllegalStateException("training diverged");
        }, new PromotionGate(GateMetric.AUC, 0.0, 0.0), 0.2, a -> publishes.incrementAndGet(), Clock.systemUTC());
        ModelEvent failed = failing.run(LabeledWindows.synthetic(100, DIM), null);
        assertEquals("TRAINING_FAILED", failed.getEventType());
        assertEquals("training diverged", failed.getReason());
        assertEquals(0, publishes.get());
    }

    @Test
    void aShutdownDuringTheRoundIsReportedAsAbortedNotAsATrainingFailure() {
        // SIGTERM interrupts the round: in the publish (its transaction aborted) ...
        RetrainJob interruptedPublish = new RetrainJob("m", (data, champ) -> TestModels.random(DIM, 2),
                new PromotionGate(GateMetric.AUC, 1.0, 0.0), 0.2, a -> {
                    throw new io.simstream.lifecycle.PublishAbortedException("interrupted while publishing",
                            new InterruptedException());
                }, Clock.systemUTC());
        ModelEvent e = interruptedPublish.run(LabeledWindows.synthetic(100, DIM), null);
        assertEquals(RetrainJob.ABORTED, e.getEventType(), e.toString());
        assertTrue(e.getReason().contains("nothing was published"), e.getReason());

        // ... or in training, however the trainer wrapped the interrupt.
        RetrainJob interruptedTraining = new RetrainJob("m", (data, champ) -> {
            throw new IllegalStateException("fit stopped", new InterruptedException("sleep interrupted"));
        }, new PromotionGate(GateMetric.AUC, 1.0, 0.0), 0.2, a -> 1, Clock.systemUTC());
        assertEquals(RetrainJob.ABORTED, interruptedTraining.run(LabeledWindows.synthetic(100, DIM), null).getEventType());
    }

    @Test
    void aFencedPublishIsReportedAsFenced() {
        RetrainJob fenced = new RetrainJob("m", (data, champ) -> TestModels.random(DIM, 2),
                new PromotionGate(GateMetric.AUC, 1.0, 0.0), 0.2, a -> {
                    throw new io.simstream.lifecycle.PublishFencedException("a newer publisher fenced this one", null);
                }, Clock.systemUTC());
        ModelEvent e = fenced.run(LabeledWindows.synthetic(100, DIM), null);
        assertEquals(RetrainJob.PUBLISH_FENCED, e.getEventType());
        assertEquals("a newer publisher fenced this one", e.getReason());
        assertNull(e.getChallengerVersion());
    }
}
