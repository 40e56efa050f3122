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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Publish-to-first-decision for models of growing size: `serve` runs as its own JVM on a real
 * broker and registry, pairs stream in at a low steady rate, and each model (a wide ensemble of
 * the given size) is published on a models topic whose max.message.bytes is small (1 MiB by
 * default, as on many managed clusters), so each goes out as chunks and a manifest. The figure per
 * size is the time from the start of the publish call to the first decision by the new version
 * (read_committed), split into the publish itself and what follows it (the scorer reading the
 * chunks, assembling, verifying and swapping, and the next pair arriving). Then, for each size, the
 * heap a load needs, measured in a JVM of its own ({@link ModelLoadHeap}).
 */
public final class ModelSizeBenchmark {
    /** What to run. sizesMb: model sizes in MB (10^6 bytes). */
    public record Options(List<Integer> sizesMb, int maxMessageBytes, int dim, int ratePerSecond,
                          E2eBenchmark.ClusterSource cluster, List<String> serveJvm, boolean heap) {
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration SWAP_TIMEOUT = Duration.ofMinutes(10);
    private final Options opt;
    private final Consumer<String> log;
    private final String runId = "bench-models-" + Long.toString(System.currentTimeMillis(), 36);

    public ModelSizeBenchmark(Options opt, Consumer<String> log) {
        this.opt = opt;
        this.log = log;
    }

    public ObjectNode run() throws Exception {
        EmbeddedKafka kafka = null;
        EmbeddedRegistry embeddedRegistry = null;
        Map<String, String> flags = new LinkedHashMap<>(opt.cluster().flags());
        try {
            if (!opt.cluster().brokerGiven()) {
                log.accept("starting an embedded Kafka broker");
                kafka = EmbeddedKafka.start();
                flags.put(ClusterConfig.BOOTSTRAP.name(), kafka.bootstrapServers());
            }
            if (!opt.cluster().registryGiven()) {
                log.accept("starting the embedded schema registry (Apicurio, a child process)");
                embeddedRegistry = EmbeddedRegistry.start();
                flags.put(ClusterConfig.REGISTRY_URL.name(), embeddedRegistry.url());
            }
            ClusterConfig cluster = ClusterConfig.load(opt.cluster().configFile(), System.getenv(), flags);
            ObjectNode result = measure(cluster, flags);
            if (opt.heap()) {
                result.set("heap", heap());
            }
            return result;
        } finally {
            if (embeddedRegistry != null) {
                embeddedRegistry.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private ObjectNode measure(ClusterConfig cluster, Map<String, String> flags) throws Exception {
        ConfluentRegistryClient registry = ConfluentRegistryClient.fromConfig(cluster.registryClientSettings());
        Topics topics = new Topics(TopicNames.DEFAULT.withPrefix(runId + "-"), registry, 1);
        try (Admin admin = Admin.create(cluster.clientConfig())) {
            Map<String, String> configs = new HashMap<>(topics.models().configs());
            configs.put("max.message.bytes", String.valueOf(opt.maxMessageBytes()));
            admin.createTopics(List.of(new NewTopic(topics.models().name(), 1, (short) 1).configs(configs)))
                    .all().get(60, TimeUnit.SECONDS);
        }
        TopicAdmin.createMissing(cluster.clientConfig(), List.of(topics.pairs(), topics.decisions(),
                topics.decisionsShadow(), topics.deadLetters(), topics.modelHistory(), topics.modelEvents()));
        Path logDir = Files.createTempDirectory("simstream-bench-models-logs");
        Map<String, String> settings = new LinkedHashMap<>(flags);
        settings.put("application.id", runId);
        settings.putAll(topics.names().asSettings());
        settings.put("topics.create", "false");
        settings.put("state.dir", Files.createTempDirectory("simstream-bench-models-state").toString());
        ObjectNode result = new ObjectMapper().createObjectNode();
        result.put("maxMessageBytes", opt.maxMessageBytes()).put("dim", opt.dim()).put("pairsPerSecond", opt.ratePerSecond())
                .put("serve", "separate child JVM: " + String.join(" ", opt.serveJvm()))
                .put("broker", opt.cluster().brokerGiven() ? "external" : "embedded in-JVM KRaft (benchmark JVM)")
                .put("kernel", PairScorers.vectorApiAvailable() ? "vector" : "scalar")
                .put("cores", Runtime.getRuntime().availableProcessors()).put("java", Runtime.version().toString())
                .put("at", Instant.now().toString());
        ArrayNode runs = result.putArray("models");
        try (ModelPublisher publisher = new ModelPublisher(cluster.clientConfig(), topics.models(),
                topics.modelHistory(), Clock.systemUTC());
             DecisionWatcher watcher = new DecisionWatcher(cluster.clientConfig(), topics.decisions());
             ServeProcess serve = BenchServe.start(false, opt.cluster().configFile(), settings, opt.serveJvm(),
                     logDir, "serve");
             PairPacer pairs = new PairPacer(cluster.clientConfig(), topics, opt.dim(), opt.ratePerSecond())) {
            publisher.publish(BenchModels.random(opt.dim(), new int[] {16, 8}, 1), "default", OptionalLong.of(1),
                    Map.of("bench", runId));
            serve.awaitReady(READY_TIMEOUT);
            waitFor(() -> watcher.firstSeen(1) != null, READY_TIMEOUT, "the first decision", serve);
            long version = 1;
            for (int mb : opt.sizesMb()) {
                version++;
                ModelArtifact model = BenchModels.wideEnsemble(opt.dim(), mb * 1_000_000L, version);
                long bytes = model.toBytes().length;
                int chunkBytes = ModelPublisher.chunkBytes(bytes, opt.maxMessageBytes());
                long startWall = System.currentTimeMillis();
                long start = System.nanoTime();
                ModelPublisher.Published published = publisher.publish(model, "default", OptionalLong.of(version),
                        Map.of("bench", runId));
                long publishMs = (System.nanoTime() - start) / 1_000_000;
                model = null;
                long v = version;
                waitFor(() -> watcher.firstSeen(v) != null, SWAP_TIMEOUT, "a decision by v" + v, serve);
                long firstDecisionMs = watcher.firstSeen(v) - startWall;
                ObjectNode run = runs.addObject().put("sizeMb", mb).put("artifactBytes", bytes)
                        .put("chunks", chunkBytes == 0 ? 0 : (bytes + chunkBytes - 1) / chunkBytes)
                        .put("version", published.version())
                        .put("publishMs", publishMs)
                        .put("publishToFirstDecisionMs", firstDecisionMs)
                        .put("afterPublishMs", firstDecisionMs - publishMs)
                        .put("serveRssAfterMb", serve.rssBytes() >> 20);
                log.accept(String.format(Locale.ROOT, "%4d MB model (v%d): publish %,d ms, publish-to-first-decision"
                                + " %,d ms (%,d ms after the publish returned); serve RSS %d MB", mb, v, publishMs,
                        firstDecisionMs, firstDecisionMs - publishMs, serve.rssBytes() >> 20));
            }
            result.put("pairsSent", pairs.sent()).put("decisions", watcher.count()).put("serveLog", logDir.toString());
        }
        return result;
    }

    /** ModelLoadHeap per size in a JVM of its own, chunked and (for comparison) whole. */
    private ArrayNode heap() throws IOException, InterruptedException {
        ArrayNode out = new ObjectMapper().createArrayNode();
        for (int mb : opt.sizesMb()) {
            for (String mode : List.of("chunks", "whole")) {
                long xmx = Math.max(512, 4L * mb + 256);
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx" + xmx + "m", "-Xmn32m", "-XX:+UseSerialGC"));
                if (PairScorers.vectorApiAvailable()) {
                    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
                }
                cmd.addAll(List.of("-Dlog4j2.configurationFile=log4j2.xml", "-cp", System.getProperty("java.class.path"),
                        ModelLoadHeap.class.getName(), String.valueOf(mb * 1_000_000L), mode));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String text = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IllegalStateException("heap probe failed: " + text);
                }
                String line = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                        () -> new IllegalStateException("heap probe printed no result: " + text));
                JsonNode r = new ObjectMapper().readTree(line);
                ((ObjectNode) r).put("sizeMb", mb).put("jvm", "-Xmx" + xmx + "m -Xmn32m -XX:+UseSerialGC");
                out.add(r);
                log.accept(String.format(Locale.ROOT, "heap to load a %d MB model (%s): peak %,d MB above the baseline"
                                + " = %.2fx the artifact; %,d MB kept (the floats); %d ms", mb, mode,
                        r.get("peakUsedAboveBaselineBytes").asLong() >> 20, r.get("peakUsedRatio").asDouble(),
                        r.get("retainedAboveBaselineBytes").asLong() >> 20, r.get("loadMs").asLong()));
            }
        }
        return out;
    }

    private static void waitFor(BooleanSupplier done, Duration timeout, String what, ServeProcess serve)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (!serve.isAlive()) {
                throw new IllegalStateException("serve exited while waiting for " + what + ":\n" + serve.tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + timeout.toSeconds() + " s:\n" + serve.tail());
            }
            Thread.sleep(5);
        }
    }

    /** Pairs at a steady rate on a thread of its own, so a swap has pairs to show itself on. */
    private static final class PairPacer implements AutoCloseable {
        private final KafkaProducer<String, VectorPair> producer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile long sent;

        PairPacer(Map<String, Object> clientConfig, Topics topics, int dim, int perSecond) {
            Map<String, Object> c = new HashMap<>(clientConfig);
            c.put("linger.ms", 0);
            producer = new KafkaProducer<>(c, Serdes.String().serializer(), topics.pairs().valueSerde().serializer());
            Random rnd = new Random(5);
            thread = new Thread(() -> {
                long period = 1_000_000_000L / perSecond;
                long next = System.nanoTime();
                while (running.get()) {
                    List<Float> l = new ArrayList<>(dim);
                    List<Float> r = new ArrayList<>(dim);
                    for (int i = 0; i < dim; i++) {
                        l.add((float) rnd.nextGaussian());
                        r.add((float) rnd.nextGaussian());
                    }
                    String id = "m-" + sent++;
                    producer.send(new ProducerRecord<>(topics.pairs().name(), id,
                            new VectorPair(id, l, r, Instant.now(), null)));
                    next += period;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(sleep);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "bench-models-pairs");
            thread.setDaemon(true);
            thread.start();
        }

        long sent() {
            return sent;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
            producer.close();
        }
    }
}
