package io.simstream.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.cli.Main;
import io.simstream.scoring.ScoringCliFixtures;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerProcess;
import io.simstream.testkit.PairStream;
import io.simstream.testkit.ServeProcess;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker (a separate process) is killed with -9 while pairs stream through `serve` (a child
 * process too), left down for a few seconds and started again on the same log directory. Nothing
 * is lost: every acknowledged pair gets exactly one decision (read_committed), nothing is
 * dead-lettered, and `serve` rides the outage out without exiting.
 */
@Tag("integration")
@Timeout(600)
class BrokerBounceTest {
    private static final int DIM = 8;
    private static final int PARTITIONS = 2;

    @TempDir
    Path dir;

    @Test
    void killNineOfTheBrokerLosesNothingAndDecidesEveryPairOnce() throws Exception {
        String prefix = SharedRegistry.unique("bounce") + "-";
        TopicNames names = TopicNames.DEFAULT.withPrefix(prefix);
        Topics topics = new Topics(names, SharedRegistry.newClient(), PARTITIONS);
        String registryUrl = SharedRegistry.url();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"));
             ServeProcess serve = ServeProcess.start(dir.resolve("serve"), broker.bootstrapServers(), registryUrl,
                     names, prefix + "app", PARTITIONS, Map.of());
             TopicReader<String, PairDecision> decisions = new TopicReader<>(broker.bootstrapServers(),
                     names.decisions(), PARTITIONS, Serdes.String().deserializer(),
                     topics.decisions().valueSerde().deserializer());
             TopicReader<String, DeadLetter> dlq = new TopicReader<>(broker.bootstrapServers(), names.deadLetters(), 1,
                     Serdes.String().deserializer(), topics.deadLetters().valueSerde().deserializer())) {
            try {
                Path modelDir = Files.createDirectories(dir.resolve("model"));
                ScoringCliFixtures.model(DIM).write(modelDir.resolve("model.simstream"));
                assertEquals(0, Main.commandLine().execute("publish", "--model", modelDir.toString(), "--bootstrap",
                        broker.bootstrapServers(), "--registry-url", registryUrl, "--topic", names.models()));
                Await.until("serve ready", () -> serve.http("/ready"), b -> b.startsWith("200"), Duration.ofSeconds(180));
                try (PairStream stream = new PairStream(broker.bootstrapServers(), names.pairs(),
                        topics.pairs().valueSerde().serializer(), "b-", DIM, 40)) {
                    Await.until("decisions flowing", decisions::poll, l -> l.size() >= 80, Duration.ofSeconds(120));
                    broker.kill9();
                    System.out.println("broker killed with -9 after " + decisions.poll().size() + " decisions");
                    Thread.sleep(5000);
                    assertTrue(serve.isAlive(), "serve survives the broker's death");
                    broker.restart();
                    int before = decisions.poll().size();
                    Await.until("decisions flow again after the broker restart", decisions::poll,
                            l -> l.size() >= before + 80, Duration.ofSeconds(240));
                    Set<String> acked = stream.stop();
                    assertNull(stream.failure(), "every pair was acknowledged by the broker in the end");
                    Await.until("a decision for each of the " + acked.size() + " acknowledged pairs", decisions::poll,
                            l -> ids(l).containsAll(acked), Duration.ofSeconds(240));
                    Thread.sleep(1500);
                    RegistryOutageTest.assertExactlyOnce(decisions.poll(), acked);
                    assertTrue(dlq.poll().isEmpty(), "nothing dead-lettered: " + dlq.poll());
                    System.out.printf("broker bounce: %d pairs, each decided once%n", acked.size());
                }
                assertTrue(serve.isAlive(), "serve never exited");
                assertEquals(0, serve.sigterm(Duration.ofSeconds(60)), "exit code after SIGTERM");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + serve.logTails() + "\n--- broker ---\n"
                        + broker.logTail(), e);
            }
        }
    }

    private static Set<String> ids(List<ConsumerRecord<String, PairDecision>> l) {
        return l.stream().map(r -> r.value().getPairId()).collect(Collectors.toSet());
    }
}
