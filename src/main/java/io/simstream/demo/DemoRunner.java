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
import io.simstream.drift.DriftReferences;
import io.simstream.embedded.EmbeddedKafka;
import io.simstream.embedded.EmbeddedRegistry;
import io.simstream.evaluation.Plots;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.retraining.GateMetric;
import io.simstream.retraining.OnlineAccuracy;
import io.simstream.retraining.RetrainService;
import io.simstream.retraining.RetrainSettings;
import io.simstream.retraining.RolloutPolicy;
import io.simstream.scoring.ScoringService;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
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
 * traffic generator whose distribution shifts halfway, with a live status line. After the shift the
 * scorer's drift alarm starts a retraining round on post-shift labels, and the new model goes out as a
 * shadow, then a canary, then to all traffic, each step on live evidence. Ends after the duration or
 * on stop(), shuts everything down, and writes summary.json, timeline.png and demo.log (every log line:
 * the console keeps the status line and the story) to the run folder.
 */
public final class DemoRunner {
    public static final String MODEL = "default";
    private static final int MIN_LABELS_FOR_ACCURACY = 20;
    /** Served accuracy that counts as recovered after the shift. */
    private static final double RECOVERED = 0.9;
    /** Event types that make the story of a run: printed, marked on the timeline, listed in the summary. */
    private static final List<String> STORY = List.of("DRIFT", "PUBLISHED", "REJECTED", "PROMOTED", "ROLLED_BACK",
            "TRAINING_FAILED");

    /** trainCsv null = generated data of dimension dim. */
    public record Options(Path trainCsv, int dim, Duration duration, int pairsPerSecond, Duration labelDelay,
                          int partitions, Path out, Duration statusEvery) {
    }

    private final Options options;
    private final PrintStream console;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final List<DemoSummary.Step> story = new CopyOnWriteArrayList<>();
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private volatile long startNanos = System.nanoTime();

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
        Path logFile = options.out().resolve("demo.log");
        say("logs of this run: " + logFile);
        try (DemoLogFile redirected = DemoLogFile.redirect(logFile)) {
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
        TopicAdmin.createMissing(client, topics.all());

        PairDataset bootstrapData = options.trainCsv() != null ? PairCsvReader.read(options.trainCsv())
                : SyntheticPairs.generate(SyntheticPairs.Spec.of(3000, options.dim(), 1));
        say("training the bootstrap model on " + bootstrapData.size() + " pairs of " + bootstrapData.source() + " ...");
        TrainingConfig training = TrainingConfig.defaults().withMaxEpochs(30);
        ModelArtifact bootstrap = attempt("bootstrap training", () -> withDriftReference(
                new SiameseTrainer(training, line -> { }).train(bootstrapData).artifact(), bootstrapData));
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

        RetrainService retrainer = start("retrainer", () -> new RetrainService(retrainSettings(state), client, topics,
                new Dl4jChallengerTrainer(training.withSplit(TrainingConfig.Split.ROW_ORDER, 0.2), true),
                this::onModelEvent, Clock.systemUTC()).start(0));
        endpoints.put("retrainer-metrics", "http://localhost:" + retrainer.metricsPort() + "/metrics");
        say("  retrainer: metrics, /health, /ready on port " + retrainer.metricsPort() + "; retrained models go out"
                + " as a shadow, then a canary, then to all traffic, on live evidence");

        PairSource source = options.trainCsv() != null ? PairSource.replaying(bootstrapData, 7)
                : PairSource.synthetic(options.dim(), 1000);
        Duration shiftAfter = options.duration().dividedBy(2);
        startNanos = System.nanoTime();
        long startMs = System.currentTimeMillis();
        TrafficGenerator traffic = start("traffic generator", () -> new TrafficGenerator(client, topics.pairs(),
                topics.labeledPairs(), source, new TrafficGenerator.Settings(options.pairsPerSecond(),
                options.labelDelay(), shiftAfter, 400)).start());
        ServedAccuracy served = start("served-accuracy reader", () -> new ServedAccuracy(client, topics.decisions(),
                traffic, startMs));
        say(String.format(Locale.ROOT, "producing %d pairs/s, labels %d ms later; the distribution shifts after %d s;"
                        + " running for %d s (Ctrl-C ends it early)", options.pairsPerSecond(),
                options.labelDelay().toMillis(), shiftAfter.toSeconds(), options.duration().toSeconds()));

        List<DemoSummary.Sample> timeline = watch(traffic, scoring, retrainer, served);
        return summarize(timeline, traffic, scoring, retrainer, served, shiftAfter);
    }

    /**
     * The reference the scorer's drift detector compares traffic with: scores and inputs of pairs the
     * model was not trained on (a fresh synthetic sample of the same distribution; with --train, the
     * training data itself, which is all the demo has, flagged as not held out).
     */
    private ModelArtifact withDriftReference(ModelArtifact model, PairDataset trainedOn) {
        if (options.trainCsv() != null) {
            return DriftReferences.capture(model, trainedOn, "training data (demo --train)", false);
        }
        return DriftReferences.capture(model, SyntheticPairs.generate(SyntheticPairs.Spec.of(2000, options.dim(), 2)),
                "held-out synthetic sample", true);
    }

    /**
     * Periodic rounds every 10 s of labels (before the shift their candidates are no better than the
     * champion, so they stay in shadow until the drift supersedes them), drift rounds on 300 post-drift
     * labels, and rollout bounds sized for 200 pairs/s with labels 2 s late: each stage needs its own
     * labeled evidence, so a stage costs at least the label delay.
     */
    private RetrainSettings retrainSettings(Path state) {
        int everyLabels = Math.max(500, options.pairsPerSecond() * 10);
        RetrainSettings periodic = new RetrainSettings("simstream-demo-retrainer", MODEL, 2 * everyLabels, everyLabels,
                Duration.ofSeconds(30), Math.min(1000, everyLabels), 0.2, GateMetric.AUC, 0.005, 0.6,
                Duration.ofMinutes(5), Duration.ofSeconds(10), state.resolve("retrainer").toString(), 100);
        return periodic.withRollout(new RolloutPolicy.Settings(0.05, 0.1, 40, Duration.ofSeconds(40), 50, 30,
                Duration.ofSeconds(30))).withDriftRounds(300);
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

    private double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void onModelEvent(ModelEvent e) {
        if (!STORY.contains(e.getEventType())) {
            return;
        }
        DemoSummary.Step step = DemoSummary.Step.of(secondsSinceStart(), e);
        story.add(step);
        console.println();
        say(String.format(Locale.ROOT, "  [%4.0fs] %s", step.seconds(), step.describe()));
    }

    private List<DemoSummary.Sample> watch(TrafficGenerator traffic, ScoringService scoring, RetrainService retrainer,
                                           ServedAccuracy served) throws InterruptedException {
        List<DemoSummary.Sample> samples = new ArrayList<>();
        long end = startNanos + options.duration().toNanos();
        long lastPairs = 0;
        double lastDecisions = 0;
        double lastTick = 0;
        boolean tty = System.console() != null;
        OnlineAccuracy lastServed = OnlineAccuracy.EMPTY;
        while (System.nanoTime() < end) {
            if (stopRequested.await(options.statusEvery().toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
            double now = secondsSinceStart();
            double dt = now - lastTick;
            long pairs = traffic.pairsSent();
            double decisions = scoring.metrics().decisionCount();
            var deployment = scoring.liveModel().deployment();
            // Counted when the labels come back (labelDelay after the decisions), all versions together.
            OnlineAccuracy labeled = servedSoFar(retrainer);
            OnlineAccuracy recent = new OnlineAccuracy(labeled.correct() - lastServed.correct(),
                    labeled.total() - lastServed.total());
            lastServed = labeled;
            // The decisions made in this interval, judged at once with the labels the generator knows.
            double madeNow = served.between(lastTick, now, MIN_LABELS_FOR_ACCURACY);
            DemoSummary.Sample s = new DemoSummary.Sample(now, (pairs - lastPairs) / dt, (decisions - lastDecisions) / dt,
                    deadLetters(scoring), scoring.liveModel().version(), scoring.liveModel().candidateVersion(),
                    deployment.rolloutDescription(), recent.total() < MIN_LABELS_FOR_ACCURACY ? Double.NaN
                    : recent.accuracy(), madeNow);
            samples.add(s);
            String line = String.format(Locale.ROOT, "[%4.0fs] %s pairs/s %4.0f | decisions %6.0f | dead letters %3d"
                            + " | model v%d%s | accuracy of decisions made %s, of labels back %s",
                    s.seconds(), traffic.isShifted() ? "B" : "A", s.pairsPerSecond(), decisions, s.deadLetters(),
                    s.servingVersion(), s.candidateVersion() == 0 ? "" : " + v" + s.candidateVersion() + " "
                            + s.candidateStage(), format(s.servedAccuracy()), format(s.onlineAccuracy()));
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

    private static String format(double accuracy) {
        return Double.isNaN(accuracy) ? "  n/a" : String.format(Locale.ROOT, "%.3f", accuracy);
    }

    /** Labeled decisions of the demo's model, every version together. */
    private static OnlineAccuracy servedSoFar(RetrainService retrainer) {
        long correct = 0;
        long total = 0;
        for (var e : retrainer.metrics().onlineAccuracy().entrySet()) {
            if (e.getKey().startsWith(MODEL + "@")) {
                correct += e.getValue().correct();
                total += e.getValue().total();
            }
        }
        return new OnlineAccuracy(correct, total);
    }

    private static long deadLetters(ScoringService scoring) {
        double n = 0;
        for (DeadLetterReason r : DeadLetterReason.values()) {
            n += scoring.metrics().deadLetterCount(r);
        }
        return (long) n;
    }

    private DemoSummary summarize(List<DemoSummary.Sample> timeline, TrafficGenerator traffic, ScoringService scoring,
                                  RetrainService retrainer, ServedAccuracy served, Duration shiftAfter)
            throws IOException {
        double shift = shiftAfter.toMillis() / 1000.0;
        Map<String, Double> online = new TreeMap<>();
        retrainer.metrics().onlineAccuracy().forEach((k, v) -> online.put(k, v.accuracy()));
        DemoSummary.Recovery recovery = DemoSummary.Recovery.after(shift, RECOVERED, timeline, story,
                second -> served.between(second, second + 1, MIN_LABELS_FOR_ACCURACY));
        DemoSummary summary = new DemoSummary(timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1).seconds(),
                traffic.pairsSent(), traffic.labelsSent(), traffic.brokenSent(), (long) scoring.metrics().decisionCount(),
                deadLetters(scoring), scoring.liveModel().version(), List.copyOf(story), recovery, online, endpoints,
                timeline);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(options.out().resolve("summary.json").toFile(), summary);
        writeTimeline(timeline, shift);
        say(String.format(Locale.ROOT, "summary: %d pairs sent (%d broken on purpose), %d decisions, %d dead letters,"
                        + " serving v%d; online accuracy by version %s", summary.pairsSent(), summary.brokenSent(),
                summary.decisions(), summary.deadLetters(), summary.servingVersion(), online));
        say("  " + recovery.describe());
        return summary;
    }

    private void writeTimeline(List<DemoSummary.Sample> timeline, double shift) throws IOException {
        int n = timeline.size();
        double[] t = new double[n];
        double[] rate = new double[n];
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) {
            DemoSummary.Sample s = timeline.get(i);
            t[i] = s.seconds();
            rate[i] = s.decisionsPerSecond();
            acc[i] = s.servedAccuracy();
        }
        TreeMap<Double, String> markers = new TreeMap<>();
        markers.put(shift, "shift");
        for (DemoSummary.Step step : story) {
            markers.merge(step.seconds(), step.marker(), (a, b) -> a + ", " + b);
        }
        Plots.timeline(t, rate, acc, markers, "simstream demo: throughput, accuracy of the decisions made, rollout steps",
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
