package io.simstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.VectorPair;
import io.simstream.config.ClusterConfig;
import io.simstream.embedded.EmbeddedKafka;
import io.simstream.embedded.EmbeddedRegistry;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * End-to-end benchmark of `serve` as a separate process on a real broker and registry, for every
 * profile x guarantee asked for, side by side. Each configuration runs twice, the real `serve` and
 * the same process with a pass-through scorer (same decode, validate, encode), in alternating
 * order: the throughput ratio of the two over the same backlog isolates the cost of scoring. Then,
 * at a steady rate, end-to-end latency (a pair's event time to its decision read with
 * read_committed) while the child's resident memory is sampled from /proc.
 */
public final class E2eBenchmark {
    /**
     * Where the cluster settings come from: the sources every command reads (a properties file, the
     * SIMSTREAM_* environment, flags), resolved by the one loader once the endpoints are known. An
     * endpoint none of them gives is started here: the broker in this JVM, the Apicurio registry as a
     * child process. The serve children get the same file and flags (and inherit the environment).
     */
    public record ClusterSource(Path configFile, Map<String, String> flags, boolean brokerGiven,
                                boolean registryGiven) {
    }

    /** What to run. */
    public record Options(int pairs, int dim, int partitions, ClusterSource cluster, int ratePerSecond,
                          int probePairs, int swaps, List<String> profiles, List<String> guarantees, int threads,
                          List<String> jvmOptions) {
    }

    private static final int[] WIDTHS = {128, 128, 128};
    private static final int DISTINCT_PAIRS = 2000;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Options opt;
    private final Consumer<String> log;
    private final String runId = "bench-" + Long.toString(System.currentTimeMillis(), 36);
    private ClusterConfig cluster;
    /** The flags the children get: the user's plus the embedded endpoints. */
    private final Map<String, String> clusterFlags = new LinkedHashMap<>();
    private ConfluentRegistryClient registry;
    private Topics topics;
    private KafkaProducer<String, VectorPair> backlogProducer;
    private KafkaProducer<String, VectorPair> probeProducer;
    private final List<VectorPair> templates = new ArrayList<>();
    private final AtomicLong sendErrors = new AtomicLong();
    private volatile String lastSendError;
    private Path logDir;

    /** The serve JVM options the benchmark uses unless told otherwise (sized for the k8s limits). */
    public static List<String> defaultJvmOptions() {
        return ServeProcess.DEFAULT_JVM_OPTIONS;
    }

    public E2eBenchmark(Options opt, Consumer<String> log) {
        this.opt = opt;
        this.log = log;
    }

    public ObjectNode run() throws Exception {
        EmbeddedKafka kafka = null;
        EmbeddedRegistry embeddedRegistry = null;
        try {
            ClusterSource source = opt.cluster();
            clusterFlags.putAll(source.flags());
            if (!source.brokerGiven()) {
                log.accept("starting an embedded Kafka broker");
                kafka = EmbeddedKafka.start();
                clusterFlags.put(ClusterConfig.BOOTSTRAP.name(), kafka.bootstrapServers());
            }
            if (!source.registryGiven()) {
                log.accept("starting the embedded schema registry (Apicurio, a child process)");
                embeddedRegistry = EmbeddedRegistry.start();
                clusterFlags.put(ClusterConfig.REGISTRY_URL.name(), embeddedRegistry.url());
            }
            cluster = ClusterConfig.load(source.configFile(), System.getenv(), clusterFlags);
            registry = ConfluentRegistryClient.fromConfig(cluster.registryClientSettings());
            return measure();
        } finally {
            if (backlogProducer != null) {
                backlogProducer.close();
            }
            if (probeProducer != null) {
                probeProducer.close();
            }
            if (embeddedRegistry != null) {
                embeddedRegistry.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private ObjectNode measure() throws Exception {
        logDir = Files.createTempDirectory("simstream-bench-logs");
        topics = new Topics(TopicNames.DEFAULT.withPrefix(runId + "-"), registry, opt.partitions());
        TopicAdmin.createMissing(cluster.clientConfig(), List.of(topics.pairs(), topics.models(),
                topics.modelHistory()));
        backlogProducer = new KafkaProducer<>(client(Map.of("linger.ms", 10, "batch.size", 262144)), Serdes.String().serializer(), topics.pairs().valueSerde().serializer());
        // Probes go out one by one: a batching producer would add its linger to every latency.
        probeProducer = new KafkaProducer<>(client(Map.of("linger.ms", 0)),
                Serdes.String().serializer(), topics.pairs().valueSerde().serializer());
        Random rnd = new Random(42);
        for (int i = 0; i < DISTINCT_PAIRS; i++) {
            templates.add(new VectorPair("t", vector(rnd), vector(rnd), Instant.EPOCH, null));
        }
        ModelArtifact model = BenchModels.random(opt.dim(), WIDTHS, 1);
        ObjectMapper json = new ObjectMapper();
        ObjectNode result = json.createObjectNode();
        try (ModelPublisher publisher = new ModelPublisher(cluster.clientConfig(), topics.models(),
                topics.modelHistory(), Clock.systemUTC())) {
            publisher.publish(model, "default", OptionalLong.of(1), Map.of("bench", runId));
            log.accept(String.format(Locale.ROOT, "producing a backlog of %,d pairs of %d-d vectors to %s (%d partitions)",
                    opt.pairs(), opt.dim(), topics.pairs().name(), opt.partitions()));
            for (int i = 0; i < opt.pairs(); i++) {
                send(backlogProducer, record("bl-" + i, i));
            }
            backlogProducer.flush();

            result.put("pairs", opt.pairs()).put("dim", opt.dim()).put("partitions", opt.partitions())
                    .put("model", opt.dim() + "-128-128-128 contrastive").put("streamThreads", opt.threads())
                    .put("kernel", PairScorers.vectorApiAvailable() ? "vector" : "scalar")
                    .put("broker", !opt.cluster().brokerGiven() ? "embedded in-JVM KRaft (benchmark JVM)" : "external")
                    .put("serve", "separate child JVM: " + String.join(" ", opt.jvmOptions()))
                    .put("latencyRatePerSec", opt.ratePerSecond()).put("latencyProbePairs", opt.probePairs())
                    .put("cores", Runtime.getRuntime().availableProcessors()).put("java", Runtime.version().toString());
            ArrayNode configs = result.putArray("configurations");
            int index = 0;
            for (String profile : opt.profiles()) {
                for (String guarantee : opt.guarantees()) {
                    // Alternate which mode goes first, so slow drift (load, page cache) favours neither.
                    boolean passFirst = index++ % 2 == 0;
                    ObjectNode pass = null;
                    if (passFirst) {
                        pass = runChild(true, profile, guarantee, publisher, false);
                    }
                    ObjectNode scored = runChild(false, profile, guarantee, publisher, index == 1 && opt.swaps() > 0);
                    if (!passFirst) {
                        pass = runChild(true, profile, guarantee, publisher, false);
                    }
                    ObjectNode c = configs.addObject().put("profile", profile).put("guarantee", guarantee);
                    c.set("passThrough", pass);
                    c.set("scoring", scored);
                    c.put("throughputRatio", round(scored.get("throughputPerSec").asDouble()
                            / pass.get("throughputPerSec").asDouble()));
                    log.accept(summary(c));
                }
            }
            result.set("goals", goals(configs));
            result.put("producerSendErrors", sendErrors.get());
            if (lastSendError != null) {
                result.put("lastSendError", lastSendError);
            }
            result.put("childLogs", logDir.toString());
            return result;
        }
    }

    /** One child `serve` (or pass-through) over the whole backlog, then at the probe rate. */
    private ObjectNode runChild(boolean passThrough, String profile, String guarantee, ModelPublisher publisher,
                                boolean swaps) throws Exception {
        String mode = (passThrough ? "pass-through" : "scoring") + "-" + profile + "-" + guarantee;
        TopicNames base = topics.names();
        TopicNames names = new TopicNames(base.pairs(), runId + "-" + mode + "-decisions", base.models(),
                runId + "-" + mode + "-dlq", base.labeledPairs(), base.labelDeadLetters(), base.modelEvents(),
                base.retrainerLock());
        Topics modeTopics = new Topics(names, registry, opt.partitions());
        TopicAdmin.createMissing(cluster.clientConfig(), modeTopics.all());
        long backlog = opt.pairs() + sentProbes.get();
        Map<String, String> settings = new LinkedHashMap<>(clusterFlags);
        settings.put("application.id", runId + "-" + mode);
        settings.put("topic.pairs", names.pairs());
        settings.put("topic.decisions", names.decisions());
        settings.put("topic.models", names.models());
        settings.put("topic.dlq", names.deadLetters());
        settings.put("topics.create", "false");
        settings.put("processing.guarantee", guarantee);
        settings.put("profile", profile);
        settings.put("num.stream.threads", String.valueOf(opt.threads()));
        settings.put("state.dir", Files.createTempDirectory("simstream-bench-" + mode).toString());
        ObjectNode out = new ObjectMapper().createObjectNode();
        long warmup = backlog / 4;
        try (DecisionWatcher watcher = new DecisionWatcher(cluster.clientConfig(), modeTopics.decisions());
             ServeProcess child = ServeProcess.start(passThrough, opt.cluster().configFile(), settings, opt.jvmOptions(),
                     logDir.resolve(mode + ".log"))) {
            log.accept(String.format(Locale.ROOT, "[%s] pid %d: scoring a backlog of %,d pairs", mode, child.pid(),
                    backlog));
            out.put("loadAverageBefore", round(loadAverage()));
            watcher.markAt(warmup);
            RssSampler rss = new RssSampler(child);
            long deadline = System.nanoTime() + (long) ((backlog / 1000.0 + READY_TIMEOUT.toSeconds()) * 1e9);
            while (watcher.count() < backlog) {
                if (!child.isAlive()) {
                    throw new IllegalStateException(mode + ": serve exited after " + watcher.count() + " of " + backlog
                            + " decisions:\n" + child.tail());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(mode + ": only " + watcher.count() + " of " + backlog
                            + " decisions arrived:\n" + child.tail());
                }
                rss.sample();
                Thread.sleep(100);
            }
            // The first quarter warms the child's JIT up; the rate is taken over the rest.
            double tput = (backlog - 1 - warmup) / watcher.spanSinceMarkSeconds();
            out.put("throughputPerSec", Math.round(tput)).put("seconds", round(watcher.spanSeconds()))
                    .put("timedPairs", backlog - 1 - warmup);
            out.put("rssAfterBacklogBytes", child.rssBytes());
            log.accept(String.format(Locale.ROOT, "[%s] %,.0f pairs/s (%.1f s), RSS %d MB", mode, tput,
                    watcher.spanSeconds(), child.rssBytes() >> 20));

            String probe = runId + "-" + mode + "-lat-";
            watcher.probe(probe);
            rss.reset();
            produceAtRate(probe, opt.probePairs(), opt.ratePerSecond(), rss);
            waitFor(() -> watcher.probeLatencies().size() >= opt.probePairs(), 120, mode + ": latency probes");
            out.set("latencyMs", percentiles(watcher.probeLatencies()));
            out.set("rssUnderLoad", rss.toJson());
            out.put("loadAverageAfter", round(loadAverage()));
            log.accept(String.format(Locale.ROOT, "[%s] latency at %d pairs/s: %s; RSS %s", mode,
                    opt.ratePerSecond(), out.get("latencyMs"), out.get("rssUnderLoad")));
            if (swaps) {
                out.set("hotSwap", swaps(watcher, publisher));
            }
        }
        return out;
    }

    private final AtomicLong sentProbes = new AtomicLong();

    /** The cluster's client settings (security included) plus these. */
    private Map<String, Object> client(Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(cluster.clientConfig());
        c.putAll(extra);
        return c;
    }

    /** Resident memory of the child while it works: max and the median of the second half ("steady"). */
    private static final class RssSampler {
        private final ServeProcess child;
        private final List<Long> samples = new ArrayList<>();
        private long lastNanos;

        RssSampler(ServeProcess child) {
            this.child = child;
        }

        void sample() {
            long now = System.nanoTime();
            if (now - lastNanos >= 250_000_000L) {
                lastNanos = now;
                long v = child.rssBytes();
                if (v > 0) {
                    samples.add(v);
                }
            }
        }

        void reset() {
            samples.clear();
        }

        ObjectNode toJson() {
            ObjectNode n = new ObjectMapper().createObjectNode();
            if (samples.isEmpty()) {
                return n.put("samples", 0);
            }
            List<Long> second = new ArrayList<>(samples.subList(samples.size() / 2, samples.size()));
            Collections.sort(second);
            n.put("samples", samples.size()).put("maxMb", Collections.max(samples) >> 20)
                    .put("steadyMb", second.get(second.size() / 2) >> 20);
            return n;
        }
    }

    private ArrayNode swaps(DecisionWatcher watcher, ModelPublisher publisher) throws Exception {
        ArrayNode swaps = new ObjectMapper().createArrayNode();
        AtomicBoolean stop = new AtomicBoolean();
        Thread traffic = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                produceAtRate(runId + "-swap-" + (i++) + "-", Math.max(1, opt.ratePerSecond() / 10),
                        opt.ratePerSecond(), null);
            }
        }, "bench-swap-traffic");
        traffic.start();
        try {
            for (int s = 0; s < opt.swaps(); s++) {
                long start = System.currentTimeMillis();
                long version = publisher.publish(BenchModels.random(opt.dim(), WIDTHS, 100 + s), "default",
                        OptionalLong.empty(), Map.of("bench", runId)).version();
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

    /** The goals, judged on this run's figures. */
    private static ObjectNode goals(ArrayNode configs) {
        ObjectNode g = new ObjectMapper().createObjectNode();
        for (var c : configs) {
            String key = c.get("profile").asText() + "/" + c.get("guarantee").asText();
            ObjectNode n = g.putObject(key);
            long p99 = c.get("scoring").get("latencyMs").get("p99").asLong();
            long limit = c.get("guarantee").asText().equals("at_least_once") ? 25 : 100;
            n.put("scoringP99Ms", p99).put("p99GoalMs", limit).put("p99Met", p99 <= limit);
            n.put("throughputRatio", c.get("throughputRatio").asDouble());
            if (c.get("profile").asText().equals("throughput")) {
                n.put("ratioGoal", 0.8).put("ratioMet", c.get("throughputRatio").asDouble() >= 0.8);
            }
            long steady = c.get("scoring").get("rssUnderLoad").path("steadyMb").asLong(-1);
            n.put("serveSteadyRssMb", steady).put("rssGoalMb", 400).put("rssMet", steady >= 0 && steady <= 400);
        }
        return g;
    }

    private static String summary(ObjectNode c) {
        return String.format(Locale.ROOT, "== %s / %s: scoring %s pairs/s vs pass-through %s (%.2fx); scoring p50 %s"
                        + " p99 %s ms (pass-through p99 %s ms); serve RSS steady %s MB, max %s MB",
                c.get("profile").asText(), c.get("guarantee").asText(), c.get("scoring").get("throughputPerSec"),
                c.get("passThrough").get("throughputPerSec"), c.get("throughputRatio").asDouble(),
                c.get("scoring").get("latencyMs").get("p50"), c.get("scoring").get("latencyMs").get("p99"),
                c.get("passThrough").get("latencyMs").get("p99"), c.get("scoring").get("rssUnderLoad").get("steadyMb"),
                c.get("scoring").get("rssUnderLoad").get("maxMb"));
    }

    /** The 1-minute load average, to judge how much other work shared the cores during a run. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Sends n pairs spread evenly at rate/s, each stamped with its send time; samples RSS meanwhile. */
    private void produceAtRate(String prefix, int n, int rate, RssSampler rss) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 200_000) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            send(probeProducer, record(prefix + i, i));
            sentProbes.incrementAndGet();
            if (rss != null && (i & 63) == 0) {
                rss.sample();
            }
        }
        probeProducer.flush();
    }

    private void send(KafkaProducer<String, VectorPair> producer, ProducerRecord<String, VectorPair> r) {
        producer.send(r, (md, e) -> {
            if (e != null) {
                sendErrors.incrementAndGet();
                lastSendError = e.toString();
            }
        });
    }

    private ProducerRecord<String, VectorPair> record(String id, int i) {
        VectorPair t = templates.get(i % templates.size());
        return new ProducerRecord<>(topics.pairs().name(), id,
                new VectorPair(id, t.getLeft(), t.getRight(), Instant.ofEpochMilli(System.currentTimeMillis()), null));
    }

    private List<Float> vector(Random rnd) {
        List<Float> v = new ArrayList<>(opt.dim());
        for (int i = 0; i < opt.dim(); i++) {
            v.add((float) rnd.nextGaussian());
        }
        return v;
    }

    private static ObjectNode percentiles(List<Long> samples) {
        List<Long> s = new ArrayList<>(samples);
        Collections.sort(s);
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("samples", s.size());
        n.put("p50", at(s, 0.50)).put("p95", at(s, 0.95)).put("p99", at(s, 0.99)).put("max", s.get(s.size() - 1));
        return n;
    }

    private static long at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static void waitFor(java.util.function.BooleanSupplier done, int seconds, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
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
