package io.simstream.reliability;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.cli.Main;
import io.simstream.embedded.ServeProcess;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.testkit.Await;
import io.simstream.testkit.Decisions;
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
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker-outage scenario of the broker tests: pairs stream through `serve` (a child process)
 * while the broker suffers each fault in turn, and decisions must flow again after each. In the
 * end every acknowledged pair has exactly one decision (read_committed), nothing is dead-lettered,
 * and `serve` rode every outage out without exiting. The tests differ only in the broker and how
 * it is hurt: a child process killed with -9, or a container paused and killed.
 */
final class BrokerFaultScenario {
    private static final int DIM = 8;
    private static final int PARTITIONS = 2;
    private static final Duration OUTAGE = Duration.ofSeconds(5);

    /** One thing done to the broker, and its undoing. */
    record Fault(String name, Action inject, Action heal) {
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private BrokerFaultScenario() {
    }

    static void run(Path dir, String bootstrap, String registryUrl, ConfluentRegistryClient registry,
                    Supplier<String> brokerLog, List<Fault> faults) throws Exception {
        String prefix = SharedRegistry.unique("fault") + "-";
        TopicNames names = TopicNames.DEFAULT.withPrefix(prefix);
        Topics topics = new Topics(names, registry, PARTITIONS);
        try (ServeProcess serve = ServeProcess.start(dir.resolve("serve"), bootstrap, registryUrl, names, prefix + "app",
                     PARTITIONS, Map.of());
             TopicReader<String, PairDecision> decisions = new TopicReader<>(bootstrap, names.decisions(), PARTITIONS,
                     Serdes.String().deserializer(), topics.decisions().valueSerde().deserializer());
             TopicReader<String, DeadLetter> dlq = new TopicReader<>(bootstrap, names.deadLetters(), 1,
                     Serdes.String().deserializer(), topics.deadLetters().valueSerde().deserializer())) {
            try {
                Path modelDir = Files.createDirectories(dir.resolve("model"));
                TestModels.random(DIM, 1).write(modelDir.resolve("model.simstream"));
                assertEquals(0, Main.commandLine().execute("publish", "--model", modelDir.toString(), "--bootstrap",
                        bootstrap, "--registry-url", registryUrl, "--topic", names.models()));
                Await.until("serve ready", () -> serve.http("/ready"), b -> b.startsWith("200"), Duration.ofSeconds(180));
                try (PairStream stream = new PairStream(bootstrap, names.pairs(), topics.pairs().valueSerde().serializer(),
                        "b-", DIM, 40)) {
                    Await.until("decisions flowing", decisions::poll, l -> l.size() >= 80, Duration.ofSeconds(120));
                    for (Fault fault : faults) {
                        fault.inject().run();
                        System.out.println(fault.name() + " after " + decisions.poll().size() + " decisions");
                        Thread.sleep(OUTAGE.toMillis());
                        assertTrue(serve.isAlive(), "serve survives " + fault.name());
                        fault.heal().run();
                        int before = decisions.poll().size();
                        Await.until("decisions flow again after " + fault.name(), decisions::poll,
                                l -> l.size() >= before + 80, Duration.ofSeconds(240));
                    }
                    Set<String> acked = stream.stop();
                    assertNull(stream.failure(), "every pair was acknowledged by the broker in the end");
                    Await.until("a decision for each of the " + acked.size() + " acknowledged pairs", decisions::poll,
                            l -> ids(l).containsAll(acked), Duration.ofSeconds(240));
                    Thread.sleep(1500);
                    Decisions.assertExactlyOnce(decisions.poll(), acked);
                    assertTrue(dlq.poll().isEmpty(), "nothing dead-lettered: " + dlq.poll());
                    System.out.printf("%s: %d pairs, each decided once%n",
                            faults.stream().map(Fault::name).collect(Collectors.joining(", ")), acked.size());
                }
                assertTrue(serve.isAlive(), "serve never exited");
                assertEquals(0, serve.sigterm(Duration.ofSeconds(60)), "exit code after SIGTERM");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + serve.logTails() + "\n--- broker ---\n"
                        + brokerLog.get(), e);
            }
        }
    }

    private static Set<String> ids(List<ConsumerRecord<String, PairDecision>> l) {
        return l.stream().map(r -> r.value().getPairId()).collect(Collectors.toSet());
    }
}
