package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.ModelEvent;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.TestModels;
import io.simstream.training.Dl4jChallengerTrainer;
import io.simstream.training.TrainingConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retrainer's answer to a DRIFT event about the serving version: the round it starts trains on
 * labels of pairs observed after the drift's onset only (a window and holdout straddling the shift
 * would judge the models on the wrong distribution), and it starts on driftMinLabels of them without
 * waiting for the routine trigger.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DriftReactionIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int DIM = 8;
    /** The first component of every pre-drift pair: no post-drift pair comes near it. */
    private static final float BEFORE_MARK = 1000f;
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @Test
    void aDriftRoundTrainsOnPostDriftLabelsOnly() throws Exception {
        try (RetrainHarness h = RetrainHarness.on(KAFKA.bootstrapServers(), "drift-round")) {
            assertEquals(1, h.publish(TestModels.random(DIM, 1)));
            List<PairDataset> trainedOn = new CopyOnWriteArrayList<>();
            ChallengerTrainer recording = (data, champion) -> {
                trainedOn.add(data);
                return new Dl4jChallengerTrainer(TrainingConfig.defaults().withMaxEpochs(3).withEnsemble(1), true)
                        .train(data, champion);
            };
            // The routine trigger never fires here (10,000 labels): only the drift can start a round.
            RetrainService r = h.startRetrainer(h.settings("r", 2000, 10_000, 10_000).withDriftRounds(200), recording);
            Await.until("retrainer active", r::isActive, a -> a, WAIT);

            h.sendLabels(marked(SyntheticPairs.generate(SyntheticPairs.Spec.of(300, DIM, 1))), "before-", null);
            Thread.sleep(50);
            Instant onset = Instant.now();
            Thread.sleep(50);
            sendDrift(h, onset);
            Await.until("the retrainer took the drift", () -> h.events.stream()
                    .anyMatch(e -> "DRIFT".equals(e.getEventType())), found -> found, WAIT);
            assertTrue(trainedOn.isEmpty(), "no round before post-drift labels are in");

            h.sendLabels(SyntheticPairs.generate(SyntheticPairs.Spec.of(250, DIM, 2).withShift(1.0)), "after-", null);
            Await.until("a drift round trains", () -> trainedOn.size(), n -> n >= 1, WAIT);
            PairDataset first = trainedOn.get(0);
            for (int i = 0; i < first.size(); i++) {
                assertTrue(first.left()[i][0] != BEFORE_MARK, "pair " + i + " of the drift round is from before the drift");
            }
            // Its training part: the post-drift labels less the holdout (0.2), nothing else.
            assertTrue(first.size() >= 150 && first.size() <= 250, "training pairs: " + first.size());
        }
    }

    private static PairDataset marked(PairDataset d) {
        for (float[] l : d.left()) {
            l[0] = BEFORE_MARK;
        }
        return d;
    }

    private static void sendDrift(RetrainHarness h, Instant onset) throws Exception {
        ModelEvent drift = ModelEvent.newBuilder().setModelName(RetrainHarness.MODEL).setEventType("DRIFT")
                .setChampionVersion(1L).setMetric("drift").setReason("test: the input moved")
                .setDetails(Map.of("onset", onset.toString(), "instance", "test"))
                .setAt(Instant.now()).build();
        String topic = h.topics.modelEvents().name();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, RetrainHarness.MODEL.getBytes(StandardCharsets.UTF_8),
                    h.topics.modelEvents().valueSerde().serializer().serialize(topic, drift))).get();
        }
    }
}
