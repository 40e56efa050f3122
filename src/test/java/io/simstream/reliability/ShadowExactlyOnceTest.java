package io.simstream.reliability;

import io.simstream.avro.PairDecision;
import io.simstream.cli.Main;
import io.simstream.embedded.ServeProcess;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.Decisions;
import io.simstream.testkit.IsolatedDeployment;
import io.simstream.testkit.PairStream;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shadow inside exactly-once: `serve` (a child process) scores every pair with the champion and a
 * shadow candidate while pairs stream in, and is killed with -9 twice and restarted. Every
 * acknowledged pair gets exactly one decision, all by the champion, and exactly one shadow decision,
 * all by the candidate (read_committed): the two commit together or not at all.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ShadowExactlyOnceTest {
    private static final int DIM = 8;
    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void aShadowNeverDecidesAndEveryPairHasOneDecisionAndOneShadowDecisionAcrossKillNine() throws Exception {
        IsolatedDeployment deployment = IsolatedDeployment.on(KAFKA.bootstrapServers(), "shadow-eos", PARTITIONS);
        TopicNames names = deployment.names();
        Topics topics = deployment.topics();
        try (ServeProcess serve = deployment.serve(dir, Map.of("SIMSTREAM_COMMIT_INTERVAL_MS", "100"));
             TopicReader<String, PairDecision> decisions = deployment.decisions();
             TopicReader<String, PairDecision> shadows = deployment.shadowDecisions()) {
            try {
                publish(names, 1, "full");
                publish(names, 2, "shadow");
                Await.until("serve ready with the shadow", () -> serve.http("/ready"),
                        b -> b.startsWith("200") && b.contains("candidate v2 (shadow"), Duration.ofSeconds(120));
                try (PairStream stream = new PairStream(KAFKA.bootstrapServers(), names.pairs(),
                        topics.pairs().valueSerde().serializer(), "s-", DIM, 40)) {
                    for (int round = 1; round <= 2; round++) {
                        int before = shadows.poll().size();
                        Await.until("shadow decisions flowing", shadows::poll, l -> l.size() >= before + 80,
                                Duration.ofSeconds(120));
                        serve.kill9();
                        serve.restart();
                    }
                    int before = shadows.poll().size();
                    Await.until("shadow decisions flowing after the last restart", shadows::poll,
                            l -> l.size() >= before + 80, Duration.ofSeconds(120));
                    Set<String> acked = stream.stop();
                    assertNull(stream.failure(), "every pair was acknowledged by the broker");
                    Await.until("a decision and a shadow decision for each of the " + acked.size() + " pairs",
                            () -> List.of(decisions.poll(), shadows.poll()),
                            l -> ids(l.get(0)).containsAll(acked) && ids(l.get(1)).containsAll(acked),
                            Duration.ofSeconds(180));
                    Thread.sleep(1500);
                    Decisions.assertExactlyOnce(decisions.poll(), acked);
                    Decisions.assertExactlyOnce(shadows.poll(), acked);
                    assertTrue(decisions.poll().stream().allMatch(d -> d.value().getModelVersion() == 1L),
                            "the shadow never decides");
                    assertTrue(shadows.poll().stream().allMatch(d -> d.value().getModelVersion() == 2L),
                            "every shadow decision is the candidate's");
                    System.out.printf("shadow across 2 kill -9: %d pairs, one decision and one shadow decision each%n",
                            acked.size());
                }
                assertEquals(0, serve.sigterm(Duration.ofSeconds(60)), "exit code after SIGTERM");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + serve.logTails(), e);
            }
        }
    }

    private void publish(TopicNames names, long seed, String stage) throws Exception {
        Path modelDir = Files.createDirectories(dir.resolve("model-" + seed));
        TestModels.random(DIM, seed).write(modelDir.resolve("model.simstream"));
        assertEquals(0, Main.commandLine().execute("publish", "--model", modelDir.toString(), "--bootstrap",
                KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(), "--topic", names.models(),
                "--stage", stage));
    }

    private static Set<String> ids(List<ConsumerRecord<String, PairDecision>> l) {
        return l.stream().map(r -> r.value().getPairId()).collect(java.util.stream.Collectors.toSet());
    }
}
