package io.simstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.VectorPair;
import io.simstream.config.ScoringConfig;
import io.simstream.embedded.EmbeddedKafka;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.registry.SchemaRegistry;
import io.simstream.scoring.ScoringService;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;

/**
 * End-to-end benchmark of the scoring topology on a real broker: the same topology runs with the
 * real kernel and with a pass-through scorer over the same backlog of pairs, so the ratio isolates
 * the cost of scoring from Kafka and Avro. Then, at a steady rate, end-to-end latency (pair event
 * time to decision read) and hot-swap latency (model published to first decision of that version).
 */
public final class E2eBenchmark {
    /** What to run. bootstrap null = an embedded broker; registry null = an in-process registry. */
    public record Options(int pairs, int dim, int partitions, String bootstrap, SchemaRegistry registry,
                          int ratePerSecond, int probePairs, int swaps, String guarantee, int threads, int rounds) {
    }

    private static final int[] WIDTHS = {128, 128, 128};
    private static final int DISTINCT_PAIRS = 2000;
    private static final int WARMUP_PAIRS = 100_000;

    private final Options opt;
    private final Consumer<String> log;
    private final String runId = "bench-" + Long.toString(System.currentTimeMillis(), 36);
    private String bootstrap;
    private SchemaRegistry registry;
    private Topics topics;
    private KafkaProducer<String, VectorPair> producer;
    private final List<VectorPair> templates = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong sendErrors = new java.util.concurrent.atomic.AtomicLong();
    private volatile String lastSendError;

    public E2eBenchmark(Options opt, Consumer<String> log) {
        this.opt = opt;
        this.log = log;
    }

    public ObjectNode run() throws Exception {
        EmbeddedKafka embedded = null;
        if (opt.bootstrap() == null) {
            log.accept("starting an embedded Kafka broker");
            embedded = EmbeddedKafka.start();
            bootstrap = embedded.bootstrapServers();
        } else {
            bootstrap = opt.bootstrap();
        }
        try {
            return measure();
        } finally {
            if (producer != null) {
                producer.close();
            }
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private ObjectNode measure() throws Exception {
        registry = opt.registry() != null ? opt.registry() : new InMemorySchemaRegistry();
        topics = new Topics(TopicNames.DEFAULT.withPrefix(runId + "-"), registry, opt.partitions());
        TopicAdmin.createMissing(Map.of("bootstrap.servers", bootstrap), List.of(topics.pairs(), topics.models(),
                topics.modelHistory()));
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 10, "batch.size", 262144,
                "compression.type", "none"), Serdes.String().serializer(), topics.pairs().valueSerde().serializer());
        Random rnd = new Random(42);
        for (int i = 0; i < DISTINCT_PAIRS; i++) {
            templates.add(new VectorPair("t", vector(rnd), vector(rnd), Instant.EPOCH, null));
        }
        ModelArtifact model = BenchModels.random(opt.dim(), WIDTHS, 1);
        try (ModelPublisher publisher = new ModelPublisher(Map.of("bootstrap.servers", bootstrap), topics.models(),
                topics.modelHistory(), Clock.systemUTC())) {
            publisher.publish(model, "default", OptionalLong.of(1), Map.of("bench", runId));
            log.accept(String.format(Locale.ROOT, "producing %,d pairs of %d-d vectors to %s (%d partitions)",
                    opt.pairs(), opt.dim(), topics.pairs().name(), opt.partitions()));
            long t0 = System.nanoTime();
            produceBacklog("bl-", opt.pairs());
            log.accept(String.format(Locale.ROOT, "produced in %.1f s", (System.nanoTime() - t0) / 1e9));

            ObjectMapper json = new ObjectMapper();
            ObjectNode result = json.createObjectNode();
            result.put("pairs", opt.pairs()).put("dim", opt.dim()).put("partitions", opt.partitions())
                    .put("model", opt.dim() + "-128-128-128 contrastive").put("guarantee", opt.guarantee())
                    .put("streamThreads", opt.threads()).put("kernel", PairScorers.vectorApiAvailable() ? "vector" : "scalar")
                    .put("broker", opt.bootstrap() == null ? "embedded in-JVM KRaft" : "external")
                    .put("cores", Runtime.getRuntime().availableProcessors()).put("java", Runtime.version().toString());

            // A discarded warm-up of both modes on a small topic: the first run in a JVM otherwise
            // pays for JIT compilation of the whole Kafka/Avro path and looks much slower.
            String warmupTopic = runId + "-warmup-pairs";
            int warmupPairs = Math.min(WARMUP_PAIRS, opt.pairs());
            TopicAdmin.createMissing(Map.of("bootstrap.servers", bootstrap), List.of(new io.simstream.topics.TopicSpec<>(
                    warmupTopic, Serdes.String(), topics.pairs().valueSerde(), opt.partitions(), Map.of())));
            for (int i = 0; i < warmupPairs; i++) {
                send(record(warmupTopic, "wu-" + i, i));
            }
            producer.flush();
            runMode("warmup-pass-through", warmupTopic, PassThroughScorer::new, publisher, false, false);
            runMode("warmup-scoring", warmupTopic, PairScorerFactory.FASTEST, publisher, false, false);

            // Pass-through and scoring alternate, so a change in machine load (other jobs on the
            // shared cores) hits both; each round's ratio compares two neighbouring runs.
            ArrayNode passRuns = json.createArrayNode();
            ArrayNode scoringRuns = json.createArrayNode();
            List<Double> passTput = new ArrayList<>();
            List<Double> scoringTput = new ArrayList<>();
            ArrayNode roundRatios = json.createArrayNode();
            for (int round = 1; round <= opt.rounds(); round++) {
                // The order flips every round (ABBA), so a slow drift in speed (JIT, page cache, load)
                // does not always favour the mode that runs second.
                boolean passFirst = round % 2 == 1;
                ObjectNode pass = passFirst ? runMode("pass-through-" + round, PassThroughScorer::new, publisher, false) : null;
                ObjectNode scored = runMode("scoring-" + round, PairScorerFactory.FASTEST, publisher, round == 1);
                if (!passFirst) {
                    pass = runMode("pass-through-" + round, PassThroughScorer::new, publisher, false);
                }
                passRuns.add(pass);
                scoringRuns.add(scored);
                passTput.add(pass.get("throughputPerSec").asDouble());
                scoringTput.add(scored.get("throughputPerSec").asDouble());
                roundRatios.add(round(scored.get("throughputPerSec").asDouble() / pass.get("throughputPerSec").asDouble()));
            }
            result.set("passThrough", passRuns);
            result.set("scoring", scoringRuns);
            result.set("roundRatios", roundRatios);
            List<Double> ratios = new ArrayList<>();
            roundRatios.forEach(r -> ratios.add(r.asDouble()));
            result.put("throughputRatio", round(median(ratios)));
            result.put("ratioOfMedians", round(median(scoringTput) / median(passTput)));
            result.put("ratioNote", "median over the rounds of scoring / pass-through throughput, each round two"
                    + " neighbouring runs in alternating order, after a discarded warm-up run of each");
            result.set("memory", memory(model));
            result.put("producerSendErrors", sendErrors.get());
            if (lastSendError != null) {
                result.put("lastSendError", lastSendError);
            }
            return result;
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The 1-minute load average, to judge how much other work shared the cores during a run. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private ObjectNode runMode(String mode, PairScorerFactory scorers, ModelPublisher publisher, boolean swaps)
            throws Exception {
        return runMode(mode, topics.pairs().name(), scorers, publisher, true, swaps);
    }

    private ObjectNode runMode(String mode, String pairsTopic, PairScorerFactory scorers, ModelPublisher publisher,
                               boolean latency, boolean swaps) throws Exception {
        TopicNames names = new TopicNames(pairsTopic, runId + "-" + mode + "-decisions",
                topics.models().name(), runId + "-" + mode + "-dlq");
        Topics modeTopics = new Topics(names, registry, opt.partitions());
        TopicAdmin.createMissing(Map.of("bootstrap.servers", bootstrap), modeTopics.all());
        long backlog = backlogSize(pairsTopic);
        Path state = Files.createTempDirectory("simstream-bench-" + mode);
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        settings.put("registry.url", "in-process");
        settings.put("application.id", runId + "-" + mode);
        settings.put("topic.pairs", names.pairs());
        settings.put("topic.decisions", names.decisions());
        settings.put("topic.models", names.models());
        settings.put("topic.dlq", names.deadLetters());
        settings.put("topics.create", "false");
        settings.put("processing.guarantee", opt.guarantee());
        settings.put("num.stream.threads", String.valueOf(opt.threads()));
        settings.put("state.dir", state.toString());
        settings.put("metrics.port", "-1");
        ScoringConfig config = ScoringConfig.of(settings);
        log.accept(String.format(Locale.ROOT, "[%s] scoring a backlog of %,d pairs", mode, backlog));
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("loadAverageBefore", round(loadAverage()));
        try (DecisionWatcher watcher = new DecisionWatcher(bootstrap, Map.of(), modeTopics.decisions());
             ScoringService service = ScoringService.start(config, registry, scorers)) {
            long deadline = System.nanoTime() + (long) ((backlog / 1000.0 + 180) * 1e9);
            while (watcher.count() < backlog) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(mode + ": only " + watcher.count() + " of " + backlog + " decisions arrived");
                }
                Thread.sleep(100);
            }
            double tput = (backlog - 1) / watcher.spanSeconds();
            out.put("loadAverageAfter", round(loadAverage()));
            log.accept(String.format(Locale.ROOT, "[%s] %,.0f pairs/s (%.1f s)", mode, tput, watcher.spanSeconds()));
            out.put("throughputPerSec", Math.round(tput)).put("seconds", round(watcher.spanSeconds()));

            if (!latency) {
                return out;
            }
            String probe = runId + "-" + mode + "-lat-";
            watcher.probe(probe);
            produceAtRate(probe, opt.probePairs(), opt.ratePerSecond());
            waitFor(() -> watcher.probeLatencies().size() >= opt.probePairs(), 120, mode + ": latency probes");
            out.set("latencyMs", percentiles(watcher.probeLatencies(), opt.ratePerSecond()));
            log.accept(String.format(Locale.ROOT, "[%s] end-to-end latency at %d pairs/s: %s", mode,
                    opt.ratePerSecond(), out.get("latencyMs")));
            if (swaps) {
                out.set("hotSwap", swaps(watcher, publisher, service));
                out.put("rssBytesAfterScoring", rssBytes());
            }
        }
        return out;
    }

    private ArrayNode swaps(DecisionWatcher watcher, ModelPublisher publisher, ScoringService service) throws Exception {
        ArrayNode swaps = new ObjectMapper().createArrayNode();
        AtomicBoolean stop = new AtomicBoolean();
        Thread traffic = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                produceAtRate(runId + "-swap-" + (i++) + "-", opt.ratePerSecond() / 10, opt.ratePerSecond());
            }
        }, "bench-swap-traffic");
        traffic.start();
        try {
            for (int s = 0; s < opt.swaps(); s++) {
                long version = service.liveModel().version() + 1;
                long start = System.currentTimeMillis();
                publisher.publish(BenchModels.random(opt.dim(), WIDTHS, 100 + s), "default", OptionalLong.of(version),
                        Map.of("bench", runId));
                long acked = System.currentTimeMillis();
                waitFor(() -> watcher.firstSeen(version) != null, 120, "first decision of v" + version);
                long seen = watcher.firstSeen(version);
                swaps.addObject().put("version", version).put("publishCallToFirstDecisionMs", seen - start)
                        .put("ackToFirstDecisionMs", seen - acked);
                log.accept(String.format(Locale.ROOT, "[swap] v%d: %d ms from publish() to the first v%d decision",
                        version, seen - start, version));
            }
        } finally {
            stop.set(true);
            traffic.join();
        }
        return swaps;
    }

    private ObjectNode memory(ModelArtifact model) throws Exception {
        ObjectNode m = new ObjectMapper().createObjectNode();
        m.put("artifactBytes", model.toBytes().length);
        m.put("weightArrayBytes", BenchModels.weightBytes(model));
        var heap = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = heap.getHeapMemoryUsage().getUsed();
        List<LoadedModel> held = new ArrayList<>();
        ModelLoader loader = new ModelLoader(PairScorerFactory.FASTEST, 0, Clock.systemUTC());
        for (int i = 0; i < 10; i++) {
            held.add(loader.load(ModelRecords.of(BenchModels.random(opt.dim(), WIDTHS, 1000 + i), "m", 1, Map.of(),
                    Instant.now())));
        }
        System.gc();
        long after = heap.getHeapMemoryUsage().getUsed();
        m.put("heapPerLoadedModelBytes", Math.max(0, (after - before) / held.size()));
        m.put("heapNote", "heap growth while holding 10 loaded models, divided by 10 (GC-noisy)");
        m.put("processRssBytes", rssBytes());
        m.put("rssNote", "the whole benchmark JVM, including the embedded broker when used");
        held.clear();
        return m;
    }

    private long backlogSize(String pairsTopic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int p = 0; p < opt.partitions(); p++) {
                req.put(new TopicPartition(pairsTopic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(req).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private void produceBacklog(String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            send(record(prefix + i, i));
        }
        producer.flush();
    }

    /** Sends n pairs spread evenly at rate/s, each stamped with its send time. */
    private void produceAtRate(String prefix, int n, int rate) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            send(record(prefix + i, i));
        }
        producer.flush();
    }

    private void send(ProducerRecord<String, VectorPair> r) {
        producer.send(r, (md, e) -> {
            if (e != null) {
                sendErrors.incrementAndGet();
                lastSendError = e.toString();
            }
        });
    }

    private ProducerRecord<String, VectorPair> record(String id, int i) {
        return record(topics.pairs().name(), id, i);
    }

    private ProducerRecord<String, VectorPair> record(String topic, String id, int i) {
        VectorPair t = templates.get(i % templates.size());
        return new ProducerRecord<>(topic, id,
                new VectorPair(id, t.getLeft(), t.getRight(), Instant.ofEpochMilli(System.currentTimeMillis()), null));
    }

    private List<Float> vector(Random rnd) {
        List<Float> v = new ArrayList<>(opt.dim());
        for (int i = 0; i < opt.dim(); i++) {
            v.add((float) rnd.nextGaussian());
        }
        return v;
    }

    private static ObjectNode percentiles(List<Long> samples, int rate) {
        List<Long> s = new ArrayList<>(samples);
        Collections.sort(s);
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("ratePerSec", rate).put("samples", s.size());
        n.put("p50", at(s, 0.50)).put("p95", at(s, 0.95)).put("p99", at(s, 0.99)).put("max", s.get(s.size() - 1));
        return n;
    }

    private static long at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static void waitFor(java.util.function.BooleanSupplier done, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    /** Writes the result as pretty JSON, creating the directory. */
    public static void write(ObjectNode result, Path out) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    }
}
