package io.simstream.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.simstream.StartupException;
import io.simstream.avro.ModelEvent;
import io.simstream.config.ScoringConfig;
import io.simstream.config.TopicSettings;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.embedded.EmbeddedKafka;
import io.simstream.embedded.EmbeddedRegistry;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.metrics.Plots;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.retraining.GateMetric;
import io.simstream.retraining.OnlineAccuracy;
import io.simstream.retraining.RetrainService;
import io.simstream.retraining.RetrainSettings;
import io.simstream.scoring.ScoringService;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import io.simstream.training.Dl4jChallengerTrainer;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The whole system on one machine, without Docker: a real KRaft broker and a real Apicurio
 * registry on free local ports, a bootstrap model, the scoring service, the retrainer and a
 * traffic generator whose distribution shifts halfway, with a live status line. Ends after the
 * duration or on stop(), shuts everything down, and writes summary.json and timeline.png.
 */
public final class DemoRunner {
    public static final String MODEL = "default";
    private static final int MIN_LABELS_FOR_ACCURACY = 20;

    /** trainCsv null = generated data of dimension dim. */
    public record Options(Path trainCsv, int dim, Duration duration, int pairsPerSecond, Duration labelDelay,
                          int partitions, Path out, Duration statusEvery) {
    }

    private final Options options;
    private final PrintStream console;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final List<ModelEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, String> endpoints = new LinkedHashMap<>();

    public DemoRunner(Options options, PrintStream console) {
        this.options = options;
        this.console = console;
    }

    /** Ends the run early (Ctrl-C); run() then shuts down and writes its summary as usual. */
    public void stop() {
        stopRequested.countDown();
    }

    public DemoSummary run() throws IOException, InterruptedException {
        Files.createDirectories(options.out());
        try {
            return runParts();
        } finally {
            say("shutting down");
            for (int i = parts.size() - 1; i >= 0; i--) {
                try {
                    parts.get(i).close();
                } catch (Exception e) {
                    say("  (while closing: " + e.getMessage() + ")");
                }
            }
            say("stopped; results in " + options.out().toAbsolutePath());
        }
    }

    private DemoSummary runParts() throws IOException, InterruptedException {
        say("starting a real Kafka broker (KRaft, in this JVM) ...");
        EmbeddedKafka kafka = start("Kafka broker", EmbeddedKafka::start);
        endpoints.put("kafka", kafka.bootstrapServers());
        say("  Kafka bootstrap servers: " + kafka.bootstrapServers());

        say("starting a real Apicurio schema registry (child process, Java 21+) ...");
        EmbeddedRegistry registryProcess = start("schema registry", EmbeddedRegistry::start);
        endpoints.put("registry", registryProcess.url());
        endpoints.put("registry-management", "http://127.0.0.1:" + registryProcess.managementPort());
        say("  registry: " + registryProcess.url() + " (management port " + registryProcess.managementPort() + ")");
        ConfluentRegistryClient registry = new ConfluentRegistryClient(RegistryClientConfig.of(registryProcess.url()));

        Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
        Topics topics = new Topics(TopicNames.DEFAULT, registry, options.partitions());
        List<TopicSpec<?, ?>> all = topics.all();
        TopicAdmin.createMissing(client, all);
        say("  topics: " + all.stream().map(TopicSpec::name).toList());

        PairDataset bootstrapData = options.trainCsv() != null ? PairCsvReader.read(options.trainCsv())
                : SyntheticPairs.generate(SyntheticPairs.Spec.of(3000, options.dim(), 1));
        say("training the bootstrap model on " + bootstrapData.size() + " pairs of " + bootstrapData.source() + " ...");
        TrainingConfig training = TrainingConfig.defaults().withMaxEpochs(30);
        ModelArtifact bootstrap = attempt("bootstrap training", () ->
                new SiameseTrainer(training, line -> { }).train(bootstrapData).artifact());
        try (ModelPublisher publisher = new ModelPublisher(client, topics.models(), topics.modelHistory(), Clock.systemUTC())) {
            long v = publisher.publish(bootstrap, MODEL, OptionalLong.empty(), Map.of("source", "demo-bootstrap"))
                    .version();
            say("  published model '" + MODEL + "' v" + v + " (threshold " + bootstrap.threshold() + ")");
        }

        Path state = Files.createTempDirectory("simstream-demo-state-");
        ScoringService scoring = start("scoring service", () -> ScoringService.start(scoringConfig(kafka, registryProcess,
                state), registry, PairScorers::fastest));
        endpoints.put("scoring-metrics", "http://localhost:" + scoring.metricsPort() + "/metrics");
        say("  scoring service: metrics, /health, /ready on port " + scoring.metricsPort());

        int everyLabels = Math.max(500, options.pairsPerSecond() * 10);
        // A window of two rounds' labels: after the shift it fills with the new distribution quickly.
        RetrainSettings retrain = new RetrainSettings("simstream-demo-retrainer", MODEL, 2 * everyLabels, everyLabels,
                Duration.ofSeconds(30), Math.min(1000, everyLabels), 0.2, GateMetric.AUC, 0.005, 0.6,
                Duration.ofMinutes(5), Duration.ofSeconds(10), state.resolve("retrainer").toString(), 200);
        RetrainService retrainer = start("retrainer", () -> new RetrainService(retrain, client, topics,
                new Dl4jChallengerTrainer(training.withSplit(TrainingConfig.Split.ROW_ORDER, 0.2), true),
                this::onModelEvent, Clock.systemUTC()).start(0));
        endpoints.put("retrainer-metrics", "http://localhost:" + retrainer.metricsPort() + "/metrics");
        say("  retrainer: metrics, /health, /ready on port " + retrainer.metricsPort() + " (retrains every "
                + everyLabels + " labels or 30 s)");

        PairSource source = options.trainCsv() != null ? PairSource.replaying(bootstrapData, 7)
                : PairSource.synthetic(options.dim(), 1000);
        Duration shiftAfter = options.duration().dividedBy(2);
        TrafficGenerator traffic = start("traffic generator", () -> new TrafficGenerator(client, topics.pairs(),
                topics.labeledPairs(), source, new TrafficGenerator.Settings(options.pairsPerSecond(),
                options.labelDelay(), shiftAfter, 400)).start());
        say(String.format(Locale.ROOT, "producing %d pairs/s, labels %d ms later; the distribution shifts after %d s;"
                        + " running for %d s (Ctrl-C ends it early)", options.pairsPerSecond(),
                options.labelDelay().toMillis(), shiftAfter.toSeconds(), options.duration().toSeconds()));

        List<DemoSummary.Sample> timeline = watch(traffic, scoring, retrainer);
        return summarize(timeline, traffic, scoring, retrainer);
    }

    private ScoringConfig scoringConfig(EmbeddedKafka kafka, EmbeddedRegistry registry, Path state) {
        Map<String, String> m = new TreeMap<>();
        m.put(ScoringConfig.BOOTSTRAP.name(), kafka.bootstrapServers());
        m.put(ScoringConfig.REGISTRY_URL.name(), registry.url());
        m.put(ScoringConfig.APPLICATION_ID.name(), "simstream-demo-scoring");
        m.put(TopicSettings.PAIR_PARTITIONS.name(), String.valueOf(options.partitions()));
        m.put(ScoringConfig.STATE_DIR.name(), state.resolve("scoring").toString());
        m.put(ScoringConfig.METRICS_PORT.name(), "0");
        return ScoringConfig.of(m);
    }

    private void onModelEvent(ModelEvent e) {
        events.add(e);
        say(String.format(Locale.ROOT, "  retraining round: %s %s (%s)", e.getEventType(),
                e.getChallengerVersion() == null ? "" : "v" + e.getChallengerVersion(), e.getReason()));
    }

    private List<DemoSummary.Sample> watch(TrafficGenerator traffic, ScoringService scoring, RetrainService retrainer)
            throws InterruptedException {
        List<DemoSummary.Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        long lastPairs = 0;
        double lastDecisions = 0;
        long lastTick = start;
        boolean tty = System.console() != null;
        Map<Long, OnlineAccuracy> lastCounts = new HashMap<>();
        while (System.nanoTime() < end) {
            if (stopRequested.await(options.statusEvery().toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
            long now = System.nanoTime();
            double dt = (now - lastTick) / 1e9;
            long pairs = traffic.pairsSent();
            double decisions = scoring.metrics().decisionCount();
            long version = scoring.liveModel().version();
            OnlineAccuracy acc = retrainer.metrics().onlineAccuracy().getOrDefault(MODEL + "@" + version,
                    OnlineAccuracy.EMPTY);
            // The counts are cumulative per version; the difference since the last reading is the
            // accuracy of the decisions labeled in this interval, which shows drift and recovery.
            OnlineAccuracy before = lastCounts.getOrDefault(version, OnlineAccuracy.EMPTY);
            OnlineAccuracy recent = new OnlineAccuracy(acc.correct() - before.correct(), acc.total() - before.total());
            lastCounts.put(version, acc);
            DemoSummary.Sample s = new DemoSummary.Sample((now - start) / 1e9, (pairs - lastPairs) / dt,
                    (decisions - lastDecisions) / dt, deadLetters(scoring), version,
                    recent.total() < MIN_LABELS_FOR_ACCURACY ? Double.NaN : recent.accuracy());
            samples.add(s);
            String line = String.format(Locale.ROOT, "[%4.0fs] %s pairs/s %5.0f | decisions %7.0f | dead letters %4d"
                            + " | model v%d | online accuracy %s", s.seconds(), traffic.isShifted() ? "B" : "A",
                    s.pairsPerSecond(), decisions, s.deadLetters(), version, Double.isNaN(s.onlineAccuracy()) ? "  n/a"
                            : String.format(Locale.ROOT, "%.3f (last %d labels; %.3f over all %d of v%d)",
                            s.onlineAccuracy(), recent.total(), acc.accuracy(), acc.total(), version));
            if (tty) {
                console.print("\r" + line + "   ");
            } else {
                console.println(line);
            }
            lastPairs = pairs;
            lastDecisions = decisions;
            lastTick = now;
        }
        if (tty) {
            console.println();
        }
        return samples;
    }

    private static long deadLetters(ScoringService scoring) {
        double n = 0;
        for (DeadLetterReason r : DeadLetterReason.values()) {
            n += scoring.metrics().deadLetterCount(r);
        }
        return (long) n;
    }

    private DemoSummary summarize(List<DemoSummary.Sample> timeline, TrafficGenerator traffic, ScoringService scoring,
                                  RetrainService retrainer) throws IOException {
        List<Long> published = events.stream().filter(e -> "PUBLISHED".equals(e.getEventType()))
                .map(ModelEvent::getChallengerVersion).toList();
        List<String> gate = events.stream().map(e -> e.getEventType() + ": " + e.getReason()).toList();
        Map<String, Double> online = new TreeMap<>();
        retrainer.metrics().onlineAccuracy().forEach((k, v) -> online.put(k, v.accuracy()));
        DemoSummary summary = new DemoSummary(timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1).seconds(),
                traffic.pairsSent(), traffic.labelsSent(), traffic.brokenSent(), (long) scoring.metrics().decisionCount(),
                deadLetters(scoring), scoring.liveModel().version(), published, gate, online, endpoints, timeline);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(options.out().resolve("summary.json").toFile(), summary);
        writeTimeline(timeline);
        say(String.format(Locale.ROOT, "summary: %d pairs sent (%d broken on purpose), %d decisions, %d dead letters,"
                        + " models published by the retrainer: %s, serving v%d, online accuracy %s",
                summary.pairsSent(), summary.brokenSent(), summary.decisions(), summary.deadLetters(), published,
                summary.servingVersion(), online));
        return summary;
    }

    private void writeTimeline(List<DemoSummary.Sample> timeline) throws IOException {
        int n = timeline.size();
        double[] t = new double[n];
        double[] rate = new double[n];
        double[] acc = new double[n];
        TreeMap<Double, String> markers = new TreeMap<>();
        long version = 0;
        for (int i = 0; i < n; i++) {
            DemoSummary.Sample s = timeline.get(i);
            t[i] = s.seconds();
            rate[i] = s.decisionsPerSecond();
            acc[i] = s.onlineAccuracy();
            if (s.servingVersion() != version) {
                version = s.servingVersion();
                markers.put(s.seconds(), "v" + version);
            }
        }
        markers.put(options.duration().dividedBy(2).toMillis() / 1000.0, "shift");
        Plots.timeline(t, rate, acc, markers, "simstream demo: throughput and live accuracy",
                options.out().resolve("timeline.png"));
    }

    private <T extends AutoCloseable> T start(String part, Supplier<T> starter) {
        try {
            T started = starter.get();
            parts.add(started);
            return started;
        } catch (RuntimeException e) {
            throw new StartupException(part, e);
        }
    }

    private static <T> T attempt(String part, Callable<T> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw new StartupException(part, e);
        }
    }

    private void say(String line) {
        console.println(line);
    }
}
