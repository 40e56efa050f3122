package io.simstream.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.cli.Main;
import io.simstream.embedded.ServeProcess;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.CliRun;
import io.simstream.testkit.DeadTransactions;
import io.simstream.testkit.DecisionTimeline;
import io.simstream.testkit.Decisions;
import io.simstream.testkit.IsolatedDeployment;
import io.simstream.testkit.PairStream;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.StreamsAppView;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scale-out under both rebalance protocols (group.protocol classic and KIP-1071's streams): three
 * `serve` instances (child JVMs) share 6 partitions while pairs stream in at a steady rate; one is
 * killed with -9 and never comes back, a fourth starts, then one is stopped with SIGTERM. Every
 * acknowledged pair gets exactly one decision (read_committed), nothing is dead-lettered, every
 * partition's decisions resume after each step, and a model published mid-run reaches every
 * instance (its /ready, `models list --instance`, and a v2 decision on every partition).
 *
 * <p>The figures are the measurement, not the assertion: for each step and partition, the longest
 * stretch without a readable decision and how long until a pair sent after the step was decided,
 * printed side by side for both protocols and written to target/scale-out.json. The instances run
 * with the smallest registry.wait.max.ms (1 s), so the producer's transaction.timeout.ms is at its
 * floor of 61 s, and the broker looks for timed-out transactions every second instead of every 10:
 * the kill step shows what an instance that dies for good costs under exactly-once.
 */
@Tag("integration")
@Timeout(600)
class ScaleOutTest {
    private static final int DIM = 8;
    private static final int PARTITIONS = 6;
    private static final int PAIRS_PER_SECOND = 60;
    private static final Duration STEP_BOUND = Duration.ofSeconds(240);
    /** A modest heap per instance: four of them and the broker share the test machine. */
    private static final List<String> SERVE_JVM = List.of("-Xmx192m", "-Xss512k", "-XX:+UseSerialGC");
    private static final Map<String, ObjectNode> RESULTS = new TreeMap<>();

    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass(Map.of(
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));

    @TempDir
    Path dir;

    /** One instance: its child process and the client.id the group coordinator knows it by. */
    private record Instance(String name, ServeProcess serve) {
        String url() {
            return "http://127.0.0.1:" + serve.port();
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "streams"})
    void threeInstancesOneKilledAFourthStartedOneStoppedEveryPairDecidedOnce(String protocol) throws Exception {
        IsolatedDeployment deployment = IsolatedDeployment.on(KAFKA.bootstrapServers(), "scale-" + protocol, PARTITIONS);
        String app = deployment.appId();
        TopicNames names = deployment.names();
        Topics topics = deployment.topics();
        TopicAdmin.createMissing(deployment.clientConfig(), topics.scoring());
        Map<String, Instance> running = new LinkedHashMap<>();
        List<Instance> everyInstance = new ArrayList<>();
        ObjectNode result = new ObjectMapper().createObjectNode().put("groupProtocol", protocol)
                .put("partitions", PARTITIONS).put("pairsPerSecond", PAIRS_PER_SECOND)
                .put("processingGuarantee", "exactly_once_v2").put("transactionTimeoutMs", 61_000)
                .put("sessionTimeout", protocol.equals("classic") ? "session.timeout.ms 30000 (serve's default)"
                        : "group.streams.session.timeout.ms 45000 (broker default)")
                .put("loadAverageAtStart", loadAverage());
        ArrayNode steps = result.putArray("steps");
        try (StreamsAppView owners = new StreamsAppView(KAFKA.bootstrapServers(), app, protocol.equals("streams"));
             DecisionTimeline decisions = new DecisionTimeline(KAFKA.bootstrapServers(), names.decisions(),
                     PARTITIONS, Serdes.String().deserializer(), topics.decisions().valueSerde().deserializer());
             TopicReader<String, DeadLetter> dlq = deployment.deadLetters()) {
            try {
                publish(names, 1);
                for (String name : List.of("scorer-a", "scorer-b", "scorer-c")) {
                    Instance i = start(name, protocol, deployment);
                    running.put(name, i);
                    everyInstance.add(i);
                }
                for (Instance i : running.values()) {
                    Await.until(i.name() + " ready with v1", () -> i.serve().http("/ready"),
                            b -> b.startsWith("200") && b.contains("' v1"), Duration.ofSeconds(180));
                }
                try (PairStream stream = new PairStream(KAFKA.bootstrapServers(), names.pairs(),
                        topics.pairs().valueSerde().serializer(), "s-", DIM, PAIRS_PER_SECOND)) {
                    long flowing = System.currentTimeMillis();
                    awaitAllPartitionsResume(decisions, flowing, "decisions flowing on every partition");
                    Await.until("three instances own the 6 partitions", () -> ownersOf(owners, names),
                            o -> o.size() == PARTITIONS && o.values().stream().distinct().count() == 3,
                            Duration.ofSeconds(120));

                    // 1. kill -9 of an instance that never comes back
                    Instance victim = running.remove("scorer-b");
                    Map<Integer, String> before = ownersOf(owners, names);
                    // At any real rate an instance always has a transaction open; at this test's rate not
                    // always, so the kill waits for one (the case that costs more than the session timeout).
                    var transactionsAtKill = awaitOpenTransaction(owners, app + "-" + processId(victim) + "-");
                    long killedAt = System.currentTimeMillis();
                    victim.serve().kill9();
                    ObjectNode kill;
                    try (DeadTransactions dead = new DeadTransactions(owners, transactionsAtKill, killedAt)) {
                        long reassignedAt = awaitOwners(owners, names, o -> o.size() == PARTITIONS
                                && !o.containsValue(victim.name()), "the killed instance's partitions reassigned");
                        long resumedAt = awaitAllPartitionsResume(decisions, killedAt, "decisions after the kill");
                        kill = step(steps, "kill -9 " + victim.name(), killedAt, before, ownersOf(owners, names),
                                decisions, resumedAt);
                        kill.put("reassignedAfterMs", reassignedAt - killedAt);
                        dead.awaitClosed(Duration.ofSeconds(15));
                        kill.set("deadTransactions", dead.toJson());
                    }

                    // a model published mid-run, with one instance down
                    publish(names, 2);
                    for (Instance i : running.values()) {
                        Await.until(i.name() + " serving v2", () -> i.serve().http("/ready"),
                                b -> b.startsWith("200") && b.contains("' v2"), Duration.ofSeconds(120));
                    }

                    // 2. a fourth instance joins
                    before = ownersOf(owners, names);
                    long startedAt = System.currentTimeMillis();
                    Instance fourth = start("scorer-d", protocol, deployment);
                    running.put(fourth.name(), fourth);
                    everyInstance.add(fourth);
                    Await.until(fourth.name() + " ready with v2", () -> fourth.serve().http("/ready"),
                            b -> b.startsWith("200") && b.contains("' v2"), Duration.ofSeconds(180));
                    long ownedAt = awaitOwners(owners, names, o -> o.size() == PARTITIONS
                            && o.containsValue(fourth.name()), "the fourth instance owns partitions");
                    long resumedAt = awaitAllPartitionsResume(decisions, ownedAt, "decisions after the fourth joined");
                    ObjectNode join = step(steps, "start " + fourth.name(), startedAt, before, ownersOf(owners, names),
                            decisions, resumedAt);
                    join.put("assignedAfterMs", ownedAt - startedAt);

                    // the model reached every running instance, by their own word and by their decisions
                    CliRun list = modelsList(deployment.prefix(), running.values());
                    assertEquals(0, list.exit(), list.err());
                    for (Instance i : running.values()) {
                        assertTrue(list.out().contains("instance " + i.url() + ": serves v2"), list.out());
                    }
                    Await.until("a v2 decision on every partition", () -> partitionsDecidedWith(decisions, 2),
                            s -> s.size() == PARTITIONS, Duration.ofSeconds(60));

                    // 3. SIGTERM: a requested shutdown leaves the group
                    Instance stopped = running.remove("scorer-a");
                    before = ownersOf(owners, names);
                    long stoppedAt = System.currentTimeMillis();
                    assertEquals(0, stopped.serve().sigterm(Duration.ofSeconds(90)), "exit code after SIGTERM");
                    awaitOwners(owners, names, o -> o.size() == PARTITIONS && !o.containsValue(stopped.name()),
                            "the stopped instance's partitions reassigned");
                    resumedAt = awaitAllPartitionsResume(decisions, stoppedAt, "decisions after the SIGTERM");
                    step(steps, "SIGTERM " + stopped.name(), stoppedAt, before, ownersOf(owners, names), decisions,
                            resumedAt);

                    Set<String> acked = stream.stop();
                    assertNull(stream.failure(), "every pair was acknowledged by the broker");
                    Await.until("a decision for each of the " + acked.size() + " acknowledged pairs",
                            () -> decisions.records().stream().map(r -> r.value().getPairId())
                                    .collect(Collectors.toSet()), ids -> ids.containsAll(acked), STEP_BOUND);
                    Thread.sleep(1500);
                    Decisions.assertExactlyOnce(decisions.records(), acked);
                    assertTrue(dlq.poll().isEmpty(), "nothing dead-lettered: " + dlq.poll());
                    result.put("pairs", acked.size()).put("loadAverageAtEnd", loadAverage());
                }
                for (Instance i : running.values()) {
                    assertEquals(0, i.serve().sigterm(Duration.ofSeconds(90)), i.name() + " exit code after SIGTERM");
                }
                print(result);
                RESULTS.put(protocol, result);
                write(Path.of("target", "scale-out-" + protocol + ".json"), result);
            } catch (AssertionError | RuntimeException e) {
                StringBuilder logs = new StringBuilder();
                everyInstance.forEach(i -> logs.append("=== ").append(i.name()).append('\n')
                        .append(i.serve().logTails()));
                throw new AssertionError(e.getMessage() + "\nsteps so far: " + steps + "\n" + logs, e);
            } finally {
                everyInstance.forEach(i -> {
                    i.serve().keepLogs(Path.of("target", "scale-out-logs", protocol, i.name()));
                    i.serve().close();
                });
            }
        }
    }

    private Instance start(String name, String protocol, IsolatedDeployment deployment) throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("SIMSTREAM_GROUP_PROTOCOL", protocol);
        // The coordinator names members by client.id: how GroupOwners tells the instances apart.
        extra.put("SIMSTREAM_KAFKA_CLIENT_ID", name);
        extra.put("SIMSTREAM_REGISTRY_WAIT_MAX_MS", "1000");
        extra.put("SIMSTREAM_TOPICS_CREATE", "false");
        return new Instance(name, deployment.serve(dir.resolve(protocol).resolve(name), extra, SERVE_JVM));
    }

    private void publish(TopicNames names, long seed) throws Exception {
        Path modelDir = Files.createDirectories(dir.resolve("model-" + seed));
        TestModels.random(DIM, seed).write(modelDir.resolve("model.simstream"));
        assertEquals(0, Main.commandLine().execute("publish", "--model", modelDir.toString(), "--bootstrap",
                KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(), "--topic", names.models()));
    }

    private static CliRun modelsList(String topicPrefix, java.util.Collection<Instance> instances) {
        List<String> args = new ArrayList<>(List.of("models", "list", "--bootstrap", KAFKA.bootstrapServers(),
                "--registry-url", SharedRegistry.url(), "--topic-prefix", topicPrefix));
        instances.forEach(i -> args.addAll(List.of("--instance", i.url())));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** The Streams process id the instance keeps in its state directory (part of its transactional ids). */
    private static String processId(Instance i) throws Exception {
        try (var files = Files.walk(i.serve().stateDir(), 2)) {
            Path f = files.filter(p -> p.getFileName().toString().equals("kafka-streams-process-metadata"))
                    .findFirst().orElseThrow(() -> new AssertionError("no Streams process file under "
                            + i.serve().stateDir()));
            return new ObjectMapper().readTree(f.toFile()).get("processId").asText();
        }
    }

    /** Polls the application's transactions until one of these transactional ids is open; returns that view. */
    private static Map<String, TransactionDescription> awaitOpenTransaction(StreamsAppView view, String idPrefix) {
        return Await.until("an open transaction of " + idPrefix + "*", () -> {
            try {
                return view.transactions();
            } catch (Exception e) {
                return Map.<String, TransactionDescription>of();
            }
        }, m -> m.entrySet().stream().anyMatch(e -> e.getKey().startsWith(idPrefix)
                && e.getValue().state() == TransactionState.ONGOING), Duration.ofSeconds(60));
    }

    private static Map<Integer, String> ownersOf(StreamsAppView owners, TopicNames names) {
        try {
            return owners.owners(names.pairs());
        } catch (Exception e) {
            // The group may be between states (or not yet exist): ask again on the next poll.
            return Map.of();
        }
    }

    /** Polls the group until done holds; returns when it first did (wall clock, ms). */
    private static long awaitOwners(StreamsAppView owners, TopicNames names,
                                    java.util.function.Predicate<Map<Integer, String>> done, String what) {
        Await.until(what, () -> ownersOf(owners, names), done, STEP_BOUND);
        return System.currentTimeMillis();
    }

    /** Waits until a pair sent at or after atMs was decided on every partition; returns when (ms). */
    private static long awaitAllPartitionsResume(DecisionTimeline decisions, long atMs, String what) {
        BooleanSupplier all = () -> IntStream.range(0, PARTITIONS).allMatch(p -> decisions.resumedAfter(p, atMs) >= 0);
        Await.until(what + " (a pair sent after the step decided on each partition)",
                () -> IntStream.range(0, PARTITIONS).mapToObj(p -> p + ": " + decisions.resumedAfter(p, atMs)).toList(),
                s -> all.getAsBoolean(), STEP_BOUND);
        return System.currentTimeMillis();
    }

    private static Set<Integer> partitionsDecidedWith(DecisionTimeline decisions, long version) {
        return decisions.all().stream().filter(s -> s.record().value().getModelVersion() == version)
                .map(DecisionTimeline.Seen::partition).collect(Collectors.toSet());
    }

    /**
     * One step's figures: per partition its owner before and after, the longest stretch without a
     * readable decision from the step until every partition had resumed, and how long until a pair
     * sent after the step was decided there. Partitions whose owner changed are the affected ones.
     */
    private static ObjectNode step(ArrayNode steps, String name, long atMs, Map<Integer, String> before,
                                   Map<Integer, String> after, DecisionTimeline decisions, long resumedAtMs) {
        ObjectNode s = steps.addObject().put("step", name);
        ArrayNode parts = s.putArray("partitions");
        long affectedMax = 0;
        long othersMax = 0;
        List<Integer> affected = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            DecisionTimeline.Gap gap = decisions.pause(p, atMs, resumedAtMs);
            long pause = gap.lengthMs();
            boolean moved = !String.valueOf(before.get(p)).equals(String.valueOf(after.get(p)));
            parts.addObject().put("partition", p).put("ownerBefore", before.get(p)).put("ownerAfter", after.get(p))
                    .put("moved", moved).put("pauseMs", pause).put("pauseBeganAfterMs", gap.startMs() - atMs)
                    .put("firstDecisionOfAPairSentAfterMs",
                            decisions.resumedAfter(p, atMs));
            if (moved) {
                affected.add(p);
                affectedMax = Math.max(affectedMax, pause);
            } else {
                othersMax = Math.max(othersMax, pause);
            }
        }
        s.put("movedPartitions", affected.toString()).put("maxPauseMovedMs", affectedMax)
                .put("maxPauseOthersMs", othersMax).put("loadAverage", loadAverage());
        return s;
    }

    private static double loadAverage() {
        return Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                * 100) / 100.0;
    }

    private static void print(ObjectNode result) {
        System.out.printf("scale-out, group.protocol=%s: %d pairs, each decided once (load average %.1f -> %.1f)%n",
                result.get("groupProtocol").asText(), result.get("pairs").asInt(),
                result.get("loadAverageAtStart").asDouble(), result.get("loadAverageAtEnd").asDouble());
        result.get("steps").forEach(s -> System.out.printf("  %-18s moved %-14s max pause moved %6d ms, others %5d ms%s%n",
                s.get("step").asText(), s.get("movedPartitions").asText(), s.get("maxPauseMovedMs").asLong(),
                s.get("maxPauseOthersMs").asLong(), s.has("reassignedAfterMs")
                        ? " (reassigned after " + s.get("reassignedAfterMs").asLong() + " ms; dead transactions "
                        + s.get("deadTransactions") + ")" : ""));
    }

    private static void write(Path out, ObjectNode node) throws Exception {
        Files.createDirectories(out.getParent());
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), node);
    }

    /** Both protocols side by side, when both ran. */
    @AfterAll
    static void sideBySide() throws Exception {
        if (RESULTS.isEmpty()) {
            return;
        }
        ObjectNode all = new ObjectMapper().createObjectNode();
        RESULTS.forEach(all::set);
        write(Path.of("target", "scale-out.json"), all);
        System.out.println("scale-out pauses (max over moved partitions, ms): " + RESULTS.keySet());
        ObjectNode any = RESULTS.values().iterator().next();
        for (int i = 0; i < any.get("steps").size(); i++) {
            StringBuilder line = new StringBuilder(String.format("  %-18s", any.get("steps").get(i).get("step").asText()));
            for (ObjectNode r : RESULTS.values()) {
                line.append(String.format(" %10d", r.get("steps").get(i).get("maxPauseMovedMs").asLong()));
            }
            System.out.println(line);
        }
    }
}
