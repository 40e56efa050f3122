package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.VectorPair;
import io.simstream.config.ClusterConfig;
import io.simstream.embedded.EmbeddedKafka;
import io.simstream.embedded.EmbeddedRegistry;
import io.simstream.embedded.ServeProcess;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.Rollout;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;


/**
 * End-to-end benchmark of `serve` as a separate process on a real broker and registry, for every
 * profile x guarantee asked for, side by side. Each configuration runs in rounds; a round runs each
 * mode once, in an order that rotates from round to round, so slow drift (load, page cache, JIT of
 * the broker) favours none: the pass-through baseline (same process and topology, decode, validate
 * and encode, no kernel), the real `serve`, and `serve` with a shadow candidate beside the
 * champion. Each mode reads its own copy of the backlog (throughput), then pairs at a steady rate
 * (end-to-end latency, a pair's event time to its decision read with read_committed, while the
 * child's resident memory is sampled). The figures reported per mode are the medians over the
 * rounds, and the goals are judged on them as ratios to the pass-through of the same run.
 *
 * <p>A benchmark on a busy machine measures the neighbours: the 1-minute load average before the
 * run and the CPU other processes took during each child ({@link MachineLoad}) are recorded, and a
 * run on a machine that was not quiet is marked so (its goals are not judged).
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

    /** What a child runs: the baseline, the real scorer, or the scorer with a shadow candidate. */
    public enum Mode {
        PASS_THROUGH("passThrough", "pass-through"), SCORING("scoring", "scoring"), SHADOW("shadow", "shadow");

        private final String key;
        private final String id;

        Mode(String key, String id) {
            this.key = key;
            this.id = id;
        }

        /** The JSON key of its figures. */
        public String key() {
            return key;
        }

        /** The name on the command line. */
        public String id() {
            return id;
        }

        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.id.equalsIgnoreCase(s.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode '" + s + "'");
        }
    }

    /** What to run. */
    public record Options(int pairs, int dim, int partitions, ClusterSource cluster, int ratePerSecond,
                          int probePairs, int swaps, List<String> profiles, List<String> guarantees, int threads,
                          List<String> jvmOptions, int rounds, List<Mode> modes, int ensemble) {
    }

    private static final int[] WIDTHS = {128, 128, 128};
    private static final int DISTINCT_PAIRS = 2000;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final String SHADOWED_MODEL = "shadowed";

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
    private double loadAverageAtStart;
    private int childIndex;

    /** The serve JVM options the benchmark uses unless told otherwise (sized for the k8s limits). */
    public static List<String> defaultJvmOptions() {
        return ServeProcess.SCORER_LIMITS_JVM_OPTIONS;
    }

    public E2eBenchmark(Options opt, Consumer<String> log) {
        this.opt = opt;
        this.log = log;
    }

    public ObjectNode run() throws Exception {
        // Before anything of ours starts: the only load average that does not count the benchmark.
        loadAverageAtStart = MachineLoad.loadAverage();
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
        TopicAdmin.createMissing(cluster.clientConfig(), List.of(topics.models(), topics.modelHistory()));
        backlogProducer = new KafkaProducer<>(client(Map.of("linger.ms", 10, "batch.size", 262144)),
                Serdes.String().serializer(), topics.pairs().valueSerde().serializer());
        // Probes go out one by one: a batching producer would add its linger to every latency.
        probeProducer = new KafkaProducer<>(client(Map.of("linger.ms", 0)),
                Serdes.String().serializer(), topics.pairs().valueSerde().serializer());
        Random rnd = new Random(42);
        for (int i = 0; i < DISTINCT_PAIRS; i++) {
            templates.add(new VectorPair("t", vector(rnd), vector(rnd), Instant.EPOCH, null));
        }
        ModelArtifact model = BenchModels.ensemble(opt.dim(), WIDTHS, 1, opt.ensemble());
        ObjectMapper json = new ObjectMapper();
        ObjectNode result = json.createObjectNode();
        try (ModelPublisher publisher = new ModelPublisher(cluster.clientConfig(), topics.models(),
                topics.modelHistory(), Clock.systemUTC())) {
            publisher.publish(model, "default", OptionalLong.of(1), Map.of("bench", runId));
            if (opt.modes().contains(Mode.SHADOW)) {
                // The same champion, and a candidate of the same shape that scores every pair beside it.
                publisher.publish(model, SHADOWED_MODEL, OptionalLong.of(1), Map.of("bench", runId));
                publisher.publish(BenchModels.ensemble(opt.dim(), WIDTHS, 50, opt.ensemble()), SHADOWED_MODEL,
                        OptionalLong.of(2), Map.of("bench", runId), Rollout.SHADOW, null);
            }
            result.put("modelRecordBytes", model.toBytes().length);
            result.put("pairs", opt.pairs()).put("dim", opt.dim()).put("partitions", opt.partitions())
                    .put("model", opt.dim() + "-128-128-128 contrastive" + (opt.ensemble() > 1
                            ? ", ensemble of " + opt.ensemble() : "")).put("ensemble", opt.ensemble())
                    .put("streamThreads", opt.threads())
                    .put("kernel", PairScorers.vectorApiAvailable() ? "vector" : "scalar")
                    .put("broker", !opt.cluster().brokerGiven() ? "embedded in-JVM KRaft (benchmark JVM)" : "external")
                    .put("serve", "separate child JVM: " + String.join(" ", opt.jvmOptions()))
                    .put("latencyRatePerSec", opt.ratePerSecond()).put("latencyProbePairs", opt.probePairs())
                    .put("rounds", opt.rounds()).put("modes", opt.modes().stream().map(Mode::id).toList().toString())
                    .put("cores", MachineLoad.cores()).put("java", Runtime.version().toString());
            ArrayNode configs = result.putArray("configurations");
            boolean swapsDone = opt.swaps() == 0;
            for (String profile : opt.profiles()) {
                for (String guarantee : opt.guarantees()) {
                    ObjectNode c = configs.addObject().put("profile", profile).put("guarantee", guarantee);
                    ArrayNode rounds = c.putArray("rounds");
                    for (int r = 0; r < opt.rounds(); r++) {
                        ObjectNode round = rounds.addObject().put("round", r + 1);
                        List<Mode> order = rotated(opt.modes(), r);
                        round.put("order", order.stream().map(Mode::id).toList().toString());
                        for (Mode mode : order) {
                            boolean swaps = !swapsDone && mode == Mode.SCORING;
                            round.set(mode.key(), runChild(mode, profile, guarantee, r + 1, publisher, swaps));
                            swapsDone |= swaps;
                        }
                    }
                    E2eReport.summarize(c);
                    log.accept(E2eReport.summary(c));
                }
            }
            result.set("machine", machine(configs));
            result.set("goals", E2eReport.goals(configs, result.get("machine").get("quiet").asBoolean(), opt.ratePerSecond()));
            result.put("producerSendErrors", sendErrors.get());
            if (lastSendError != null) {
                result.put("lastSendError", lastSendError);
            }
            result.put("childLogs", logDir.toString());
            return result;
        }
    }

    /** The modes in round r's order: each mode goes first in one of every modes.size() rounds. */
    static List<Mode> rotated(List<Mode> modes, int r) {
        List<Mode> order = new ArrayList<>(modes);
        Collections.rotate(order, -(r % modes.size()));
        return order;
    }

    /**
     * One child over its own backlog, then at the probe rate. Each child reads a fresh copy of the
     * backlog (its own pairs topic, deleted afterwards), so every child does the same work however
     * many ran before it.
     */
    private ObjectNode runChild(Mode mode, String profile, String guarantee, int round, ModelPublisher publisher,
                                boolean swaps) throws Exception {
        String name = mode.id() + "-" + profile + "-" + guarantee + "-r" + round;
        String prefix = runId + "-" + (++childIndex) + "-";
        TopicNames base = topics.names();
        TopicNames names = new TopicNames(prefix + "pairs", prefix + "decisions", base.models(), prefix + "dlq",
                base.labeledPairs(), base.labelDeadLetters(), base.modelEvents(), base.retrainerLock());
        Topics childTopics = new Topics(names, registry, opt.partitions());
        TopicAdmin.createMissing(cluster.clientConfig(), List.of(childTopics.pairs(), childTopics.decisions(),
                childTopics.decisionsShadow(), childTopics.deadLetters(), childTopics.modelEvents()));
        ObjectNode out = new ObjectMapper().createObjectNode();
        long produceStart = System.nanoTime();
        AtomicLong acked = new AtomicLong();
        // One pair per partition first, each acknowledged before the next: an idempotent producer whose first
        // batch to a just-created partition meets NOT_LEADER_OR_FOLLOWER while later batches land stalls on
        // out-of-order sequence numbers (seen here: 60,000 pairs at 500/s, and 7 of them never written).
        int first = Math.min(opt.partitions(), opt.pairs());
        for (int i = 0; i < first; i++) {
            VectorPair v = record(names.pairs(), "bl-" + i, i).value();
            backlogProducer.send(new ProducerRecord<>(names.pairs(), i, "bl-" + i, v)).get(60, TimeUnit.SECONDS);
            acked.incrementAndGet();
        }
        for (int i = first; i < opt.pairs(); i++) {
            send(backlogProducer, record(names.pairs(), "bl-" + i, i), acked);
        }
        backlogProducer.flush();
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
        out.put("backlogProducedPerSec", Math.round(opt.pairs() / produceSeconds));
        if (acked.get() < opt.pairs()) {
            throw new IllegalStateException(name + ": the broker acknowledged only " + acked.get() + " of the "
                    + opt.pairs() + " backlog pairs (" + lastSendError + ")");
        }

        String appId = prefix + name;
        Map<String, String> settings = new LinkedHashMap<>(clusterFlags);
        settings.put("application.id", appId);
        settings.putAll(names.asSettings());
        settings.put("topics.create", "false");
        settings.put("processing.guarantee", guarantee);
        settings.put("profile", profile);
        settings.put("num.stream.threads", String.valueOf(opt.threads()));
        settings.put("state.dir", Files.createTempDirectory("simstream-bench-" + name).toString());
        if (mode == Mode.SHADOW) {
            settings.put("model.name", SHADOWED_MODEL);
        }
        long backlog = opt.pairs();
        long warmup = backlog / 4;
        out.put("loadAverageBefore", round(MachineLoad.loadAverage()));
        try (DecisionWatcher watcher = new DecisionWatcher(cluster.clientConfig(), childTopics.decisions());
             ServeProcess child = BenchServe.start(mode == Mode.PASS_THROUGH, opt.cluster().configFile(), settings,
                     opt.jvmOptions(), logDir, name)) {
            MachineLoad.CpuSample cpuFrom = MachineLoad.sample();
            log.accept(String.format(Locale.ROOT, "[%s] pid %d: scoring a backlog of %,d pairs (produced at %,.0f/s)",
                    name, child.pid(), backlog, opt.pairs() / produceSeconds));
            watcher.markAt(warmup);
            RssSampler rss = new RssSampler(child);
            long deadline = System.nanoTime() + (long) ((backlog / 1000.0 + READY_TIMEOUT.toSeconds()) * 1e9);
            double cpuAtWarm = -1;
            double[] kernelAtWarm = null;
            while (watcher.count() < backlog) {
                if (cpuAtWarm < 0 && watcher.count() >= warmup) {
                    cpuAtWarm = MachineLoad.processSeconds(child.pid());
                    kernelAtWarm = kernelTimer(child.body("/metrics"));
                }
                if (!child.isAlive()) {
                    throw new IllegalStateException(name + ": serve exited after " + watcher.count() + " of " + backlog
                            + " decisions:\n" + child.tail());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": only " + watcher.count() + " of " + backlog
                            + " decisions arrived:\n" + child.tail());
                }
                rss.sample();
                Thread.sleep(100);
            }
            // The first quarter warms the child's JIT up; the rate is taken over the rest.
            double tput = (backlog - 1 - warmup) / watcher.spanSinceMarkSeconds();
            out.put("throughputPerSec", Math.round(tput)).put("seconds", round(watcher.spanSeconds()))
                    .put("timedPairs", backlog - 1 - warmup);
            // Pairs per CPU second of serve itself: the capacity figure that a busy neighbour bends least.
            double cpu = MachineLoad.processSeconds(child.pid()) - cpuAtWarm;
            if (cpuAtWarm >= 0 && cpu > 0) {
                out.put("pairsPerServeCpuSecond", Math.round((backlog - 1 - warmup) / cpu));
            }
            out.put("rssAfterBacklogBytes", child.rssBytes());
            // What the child says it serves: a shadow run must show its candidate, or it measured nothing.
            out.put("ready", child.body("/ready").strip());
            // The kernel's own time per score inside serve (champion and shadow each count): what any faster
            // scoring, batching included, could save at most.
            // Over the timed part only: the first scores run before the JIT compiled the Vector API kernel.
            double[] kernelAtEnd = kernelTimer(child.body("/metrics"));
            if (kernelAtWarm != null && kernelAtEnd[1] > kernelAtWarm[1]) {
                out.put("kernelMicrosPerScore", round((kernelAtEnd[0] - kernelAtWarm[0])
                        / (kernelAtEnd[1] - kernelAtWarm[1]) * 1e6));
            }
            log.accept(String.format(Locale.ROOT, "[%s] %,.0f pairs/s (%.1f s), RSS %d MB", name, tput,
                    watcher.spanSeconds(), child.rssBytes() >> 20));

            String probe = prefix + "lat-";
            watcher.probe(probe);
            rss.reset();
            produceAtRate(names.pairs(), probe, opt.probePairs(), opt.ratePerSecond(), rss);
            waitFor(() -> watcher.probeLatencies().size() >= opt.probePairs(), 120, name + ": latency probes");
            out.set("latencyMs", percentiles(watcher.probeLatencies()));
            out.set("rssUnderLoad", rss.toJson());
            if (swaps) {
                out.set("hotSwap", swaps(watcher, publisher, names.pairs()));
            }
            MachineLoad.CpuSample cpuTo = MachineLoad.sample();
            out.put("loadAverageAfter", round(MachineLoad.loadAverage()))
                    .put("otherProcessesCpuCores", round(MachineLoad.foreignCores(cpuFrom, cpuTo)));
            log.accept(String.format(Locale.ROOT, "[%s] latency at %d pairs/s: %s; RSS %s; other processes used %.2f"
                            + " cores", name, opt.ratePerSecond(), out.get("latencyMs"), out.get("rssUnderLoad"),
                    out.get("otherProcessesCpuCores").asDouble()));
        } finally {
            deleteTopicsOf(prefix);
        }
        return out;
    }

    /** serve's simstream_scoring_latency_seconds timer from its /metrics: {sum in seconds, count}; zeros if absent. */
    static double[] kernelTimer(String exposition) {
        double[] t = new double[2];
        for (String line : exposition.split("\n")) {
            if (line.startsWith("simstream_scoring_latency_seconds_sum")) {
                t[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("simstream_scoring_latency_seconds_count")) {
                t[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return t;
    }

    /** The child's topics and the internal topics of its application, so a long run does not fill the disk. */
    private void deleteTopicsOf(String prefix) {
        try (Admin admin = Admin.create(cluster.clientConfig())) {
            List<String> mine = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(prefix)).toList();
            admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.accept("could not delete the topics of " + prefix + "*: " + e);
        }
    }

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

    private ArrayNode swaps(DecisionWatcher watcher, ModelPublisher publisher, String pairsTopic) throws Exception {
        ArrayNode swaps = new ObjectMapper().createArrayNode();
        AtomicBoolean stop = new AtomicBoolean();
        Thread traffic = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                produceAtRate(pairsTopic, runId + "-swap-" + (i++) + "-", Math.max(1, opt.ratePerSecond() / 10),
                        opt.ratePerSecond(), null);
            }
        }, "bench-swap-traffic");
        traffic.start();
        try {
            for (int s = 0; s < opt.swaps(); s++) {
                long start = System.currentTimeMillis();
                long version = publisher.publish(BenchModels.ensemble(opt.dim(), WIDTHS, 100 + s, opt.ensemble()),
                        "default", OptionalLong.empty(), Map.of("bench", runId)).version();
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

    /**
     * Whether the machine was quiet: the load average before the run at most the core count, and
     * while each child ran other processes took at most FOREIGN_CPU_SHARE_LIMIT of the cores.
     */
    private ObjectNode machine(ArrayNode configs) {
        int cores = MachineLoad.cores();
        double foreignMax = 0;
        for (JsonNode c : configs) {
            for (JsonNode r : c.get("rounds")) {
                for (Mode m : Mode.values()) {
                    if (r.has(m.key())) {
                        foreignMax = Math.max(foreignMax, r.get(m.key()).path("otherProcessesCpuCores").asDouble(0));
                    }
                }
            }
        }
        return E2eReport.verdict(cores, loadAverageAtStart, foreignMax);
    }

    /**
     * Waits until the 1-minute load average is at most the core count, up to maxWait; false if it
     * never was. What --require-quiet checks before starting anything.
     */
    public static boolean awaitQuiet(Duration maxWait, Consumer<String> log) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            double load = MachineLoad.loadAverage();
            if (load <= MachineLoad.cores()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            log.accept(String.format(Locale.ROOT, "waiting for a quiet machine: load average %.2f on %d cores", load,
                    MachineLoad.cores()));
            Thread.sleep(10_000);
        }
    }
    /** Sends n pairs spread evenly at rate/s, each stamped with its send time; samples RSS meanwhile. */
    private void produceAtRate(String topic, String prefix, int n, int rate, RssSampler rss) {
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
            send(probeProducer, record(topic, prefix + i, i));
            if (rss != null && (i & 63) == 0) {
                rss.sample();
            }
        }
        probeProducer.flush();
    }

    private void send(KafkaProducer<String, VectorPair> producer, ProducerRecord<String, VectorPair> r) {
        send(producer, r, null);
    }

    private void send(KafkaProducer<String, VectorPair> producer, ProducerRecord<String, VectorPair> r,
                      AtomicLong acked) {
        producer.send(r, (md, e) -> {
            if (e != null) {
                sendErrors.incrementAndGet();
                lastSendError = e.toString();
            } else if (acked != null) {
                acked.incrementAndGet();
            }
        });
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

    private static void waitFor(BooleanSupplier done, int seconds, String what)
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
