package io.simstream.reliability;

import io.simstream.avro.DeadLetter;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * A crash loop: `serve` (a child process) is killed with -9 three times while pairs stream in, and
 * started again each time with the same settings and state directory, as a supervisor would.
 * Every acknowledged pair gets exactly one decision (read_committed), nothing is dead-lettered,
 * /health answers while the restarted instance restores, and each restart decides again well
 * within the session timeout the dead member would otherwise hold its partitions for. The
 * recovery times are printed and written to target/crash-recovery.json; the assertion bound (20 s)
 * is deliberately loose, the figure is the measurement.
 */
@Tag("integration")
@Timeout(600)
class CrashRecoveryTest {
    private static final int DIM = 8;
    private static final int PARTITIONS = 2;
    private static final int KILLS = 3;
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(20);

    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void killNineThreeTimesDuringAStreamEveryPairOneDecisionAndQuickRecovery() throws Exception {
        IsolatedDeployment deployment = IsolatedDeployment.on(KAFKA.bootstrapServers(), "crash", PARTITIONS);
        TopicNames names = deployment.names();
        Topics topics = deployment.topics();
        List<Long> recoveryMs = new ArrayList<>();
        try (ServeProcess serve = deployment.serve(dir, Map.of("SIMSTREAM_COMMIT_INTERVAL_MS", "100"));
             TopicReader<String, PairDecision> decisions = deployment.decisions();
             TopicReader<String, DeadLetter> dlq = deployment.deadLetters()) {
            try {
                publishModel(names);
                Await.until("serve ready", () -> serve.http("/ready"), b -> b.startsWith("200"), Duration.ofSeconds(120));
                try (PairStream stream = new PairStream(KAFKA.bootstrapServers(), names.pairs(),
                        topics.pairs().valueSerde().serializer(), "c-", DIM, 40)) {
                    Await.until("decisions flowing", decisions::poll, l -> l.size() >= 80, Duration.ofSeconds(120));
                    for (int round = 1; round <= KILLS; round++) {
                        Instant killedAt = Instant.now();
                        long killedNanos = System.nanoTime();
                        serve.kill9();
                        serve.restart();
                        System.out.println("kill -9 #" + round + " at " + killedAt + "; restarted at " + Instant.now());
                        long healthUpNanos = -1;
                        String notReadyWhileHealthy = null;
                        while (true) {
                            boolean decided = decisions.poll().stream()
                                    .anyMatch(r -> r.value().getScoredAt().isAfter(killedAt));
                            if (decided) {
                                break;
                            }
                            if (System.nanoTime() - killedNanos > Duration.ofSeconds(120).toNanos()) {
                                throw new AssertionError("no decision within 120 s after kill " + round);
                            }
                            if (serve.http("/health").startsWith("200")) {
                                if (healthUpNanos < 0) {
                                    healthUpNanos = System.nanoTime();
                                }
                                String ready = serve.http("/ready");
                                if (ready.startsWith("503")) {
                                    notReadyWhileHealthy = ready.strip();
                                }
                            }
                            Thread.sleep(100);
                        }
                        long ms = Duration.ofNanos(System.nanoTime() - killedNanos).toMillis();
                        recoveryMs.add(ms);
                        System.out.printf("kill -9 #%d: first decision of the restarted serve %d ms after the kill;"
                                        + " /health up after %d ms; /ready meanwhile: %s%n", round, ms,
                                healthUpNanos < 0 ? -1 : Duration.ofNanos(healthUpNanos - killedNanos).toMillis(),
                                notReadyWhileHealthy);
                        assertTrue(healthUpNanos > 0, "/health answered 200 before the first decision after kill " + round);
                        assertTrue(serve.isAlive(), "the restarted serve runs");
                        int before = decisions.poll().size();
                        Await.until("decisions flow again after kill " + round, decisions::poll,
                                l -> l.size() >= before + 80, Duration.ofSeconds(120));
                    }
                    Set<String> acked = stream.stop();
                    assertNull(stream.failure(), "every pair was acknowledged by the broker");
                    var seen = Await.until("a decision for each of the " + acked.size() + " acknowledged pairs",
                            decisions::poll, l -> ids(l).containsAll(acked), Duration.ofSeconds(180));
                    Thread.sleep(1500);
                    Decisions.assertExactlyOnce(decisions.poll(), acked);
                    assertTrue(dlq.poll().isEmpty(), "nothing dead-lettered: " + dlq.poll());
                    System.out.printf("crash loop: %d pairs, %d kills, each decided once; recovery ms %s%n",
                            acked.size(), KILLS, recoveryMs);
                    writeFigures(recoveryMs, acked.size());
                    for (int i = 0; i < recoveryMs.size(); i++) {
                        assertTrue(recoveryMs.get(i) < RECOVERY_BOUND.toMillis(), "recovery after kill " + (i + 1)
                                + " took " + recoveryMs.get(i) + " ms; all: " + recoveryMs);
                    }
                    assertTrue(seen.size() >= acked.size());
                }
                assertEquals(0, serve.sigterm(Duration.ofSeconds(60)), "exit code after SIGTERM");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + serve.logTails(), e);
            } finally {
                serve.keepLogs(Path.of("target", "crash-recovery-logs"));
            }
        }
    }

    private static void writeFigures(List<Long> recoveryMs, int pairs) throws Exception {
        Path out = Path.of("target", "crash-recovery.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.format("{\"kills\": %d, \"pairs\": %d, \"recoveryMs\": %s, \"maxMs\": %d}%n",
                recoveryMs.size(), pairs, recoveryMs, recoveryMs.stream().mapToLong(Long::longValue).max().orElse(-1)));
    }

    private void publishModel(TopicNames names) throws Exception {
        Path modelDir = Files.createDirectories(dir.resolve("model"));
        TestModels.random(DIM, 1).write(modelDir.resolve("model.simstream"));
        assertEquals(0, Main.commandLine().execute("publish", "--model", modelDir.toString(), "--bootstrap",
                KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(), "--topic", names.models()));
    }

    private static Set<String> ids(List<ConsumerRecord<String, PairDecision>> l) {
        return l.stream().map(r -> r.value().getPairId()).collect(Collectors.toSet());
    }
}
