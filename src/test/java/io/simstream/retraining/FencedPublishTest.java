package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.PublishFencedException;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two retrainers race to publish the same model name on a real broker (transactional publishers,
 * transactional.id from the model name): the one that claimed later wins, the earlier one is fenced
 * and says so in its model event, and each round adds exactly one version. Publishers racing in a
 * loop never write one version twice.
 */
@Tag("integration")
@Timeout(300)
class FencedPublishTest {
    private static final int DIM = 8;
    private static final String MODEL = "raced";

    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    private static Topics topics(String prefix) {
        Topics t = new Topics(TopicNames.DEFAULT.withPrefix(prefix), SharedRegistry.newClient(), 1);
        TopicAdmin.createMissing(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), List.of(t.models()));
        return t;
    }

    private static ModelPublisher publisher(Topics t) {
        return new ModelPublisher(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), t.models(), t.modelHistory(),
                Clock.systemUTC());
    }

    /** A round of one retrainer: training waits at the latch, so both rounds publish at the same moment. */
    private static RetrainJob round(ModelPublisher publisher, CountDownLatch bothTrained, long seed) {
        return new RetrainJob(MODEL, (data, champion) -> {
            bothTrained.countDown();
            try {
                bothTrained.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return TestModels.random(DIM, seed);
        }, new PromotionGate(GateMetric.AUC, 1.0, 0.0), 0.25,
                challenger -> publisher.publish(challenger, MODEL, OptionalLong.empty(), Map.of()).version(),
                Clock.systemUTC());
    }

    private static List<Long> committedVersions(Topics t) {
        try (TopicReader<String, ModelRecord> reader = new TopicReader<>(KAFKA.bootstrapServers(), t.models().name(), 1,
                Serdes.String().deserializer(), t.models().valueSerde().deserializer())) {
            List<ConsumerRecord<String, ModelRecord>> seen = reader.poll();
            for (int i = 0; i < 30; i++) {
                seen = reader.poll();
            }
            return seen.stream().filter(r -> MODEL.equals(r.key())).map(r -> r.value().getVersion()).toList();
        }
    }

    @Test
    void twoRetrainersRacingPublishOneVersionPerRoundAndTheFencedOneIsToldSo() throws Exception {
        Topics t = topics(SharedRegistry.unique("fence") + "-");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= 2; round++) {
                // The zombie claimed when its round began; the new active retrainer claimed after it.
                ModelPublisher zombie = publisher(t);
                zombie.claim(MODEL);
                ModelPublisher active = publisher(t);
                active.claim(MODEL);
                CountDownLatch bothTrained = new CountDownLatch(2);
                List<LabeledPair> w = LabeledWindows.synthetic(200, DIM);
                Future<ModelEvent> zombieEvent = pool.submit(() -> round(zombie, bothTrained, 10).run(w, null));
                Future<ModelEvent> activeEvent = pool.submit(() -> round(active, bothTrained, 20).run(w, null));
                ModelEvent z = zombieEvent.get(120, TimeUnit.SECONDS);
                ModelEvent a = activeEvent.get(120, TimeUnit.SECONDS);
                zombie.close();
                active.close();

                assertEquals("PUBLISHED", a.getEventType(), "round " + round + ": " + a);
                assertEquals(round, a.getChallengerVersion(), "round " + round + " adds the next version");
                assertEquals(RetrainJob.PUBLISH_FENCED, z.getEventType(), "round " + round + ": " + z);
                assertTrue(z.getReason().contains("fenced"), z.getReason());
                assertEquals(null, z.getChallengerVersion(), "the fenced one publishes no version");
            }
            assertEquals(List.of(1L, 2L), committedVersions(t), "exactly one committed version per round");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void publishersRacingInALoopNeverWriteOneVersionTwice() throws Exception {
        Topics t = topics(SharedRegistry.unique("race") + "-");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Long> won = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger fenced = new AtomicInteger();
        try {
            List<Future<?>> racers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int racer = r;
                racers.add(pool.submit(() -> {
                    for (int i = 0; i < 4; i++) {
                        // Like two `publish` commands (or retrainers) started at the same moment.
                        try (ModelPublisher p = publisher(t)) {
                            won.add(p.publish(TestModels.random(DIM, racer * 10 + i), MODEL, OptionalLong.empty(),
                                    Map.of()).version());
                        } catch (PublishFencedException e) {
                            fenced.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : racers) {
                f.get(240, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> committed = committedVersions(t);
        System.out.println("racing publishers: committed " + committed + ", fenced " + fenced.get());
        assertEquals(8, won.size() + fenced.get(), "every publish either committed or was told it was fenced");
        assertEquals(committed.size(), committed.stream().distinct().count(), "no version twice: " + committed);
        assertEquals(won.stream().sorted().toList(), committed, "what the winners were told is what is on the topic");
        for (int i = 0; i < committed.size(); i++) {
            assertEquals(i + 1L, committed.get(i), "versions go up one by one: " + committed);
        }
    }
}
