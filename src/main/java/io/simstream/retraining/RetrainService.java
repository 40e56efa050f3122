package io.simstream.retraining;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.DeadLetters;
import io.simstream.deadletter.PairValidator;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.metrics.MetricsServer;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.topics.RetrainTopics;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicChecks;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retraining app: labeled pairs flow into a bounded window; every K labels or T minutes a
 * challenger is trained off the consuming thread, gated against the champion on the window's
 * newest part, and published only if it is not worse. One instance per model name is active
 * ({@link LeadershipLock}); the others stand by. A second topology joins decisions with labels
 * to measure the live model's accuracy.
 */
public final class RetrainService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainService.class);
    private static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(2);
    /** How long a shutdown lets a round in flight finish before interrupting it. */
    static final Duration ROUND_GRACE = Duration.ofSeconds(20);

    private final RetrainSettings settings;
    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private final RetrainTopics retrainTopics;
    private final ChallengerTrainer trainer;
    private final Consumer<ModelEvent> eventListener;
    private final Clock clock;
    private final TrainingWindow window;
    private final RetrainTrust trust;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RetrainMetrics metrics;
    private final DeadLetters deadLetters;
    private final ExecutorService training = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "retrainer-training");
        t.setDaemon(true);
        return t;
    });
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaStreams onlineQuality;
    private final KafkaStreamsMetrics onlineQualityMetrics;
    private final Thread loop;
    private volatile boolean running = true;
    /** Set first on close: no new round starts, the one in flight may finish while the lock is still held. */
    private volatile boolean stopping;
    private volatile boolean active;
    private volatile boolean windowReady;
    private volatile Throwable failure;
    private MetricsServer metricsServer;

    /**
     * @param eventListener sees every model event this instance emits (status lines, tests)
     */
    public RetrainService(RetrainSettings settings, Map<String, Object> clientConfig, Topics topics,
                          RetrainTopics retrainTopics, ChallengerTrainer trainer, Consumer<ModelEvent> eventListener,
                          Clock clock) {
        this(settings, clientConfig, topics, retrainTopics, trainer, eventListener, clock, RetrainTrust.none());
    }

    /** trust: which champions are accepted, and the provenance and signature challengers get. */
    public RetrainService(RetrainSettings settings, Map<String, Object> clientConfig, Topics topics,
                          RetrainTopics retrainTopics, ChallengerTrainer trainer, Consumer<ModelEvent> eventListener,
                          Clock clock, RetrainTrust trust) {
        this.trust = trust;
        this.settings = settings;
        this.clientConfig = Map.copyOf(clientConfig);
        this.topics = topics;
        this.retrainTopics = retrainTopics;
        this.trainer = trainer;
        this.eventListener = eventListener;
        this.clock = clock;
        this.window = new TrainingWindow(settings.windowSize());
        this.metrics = new RetrainMetrics(meters, window::size, () -> active ? 1 : 0);
        this.deadLetters = new DeadLetters(settings.applicationId(), clock);
        // Only the topics this app reads or writes: pairs and their dead letters are the scorer's.
        List<TopicSpec<?, ?>> all = new ArrayList<>(List.of(topics.decisions(), topics.models(),
                topics.modelHistory()));
        all.addAll(retrainTopics.all());
        TopicAdmin.createMissing(clientConfig, all);
        TopicChecks.requireModelsTopic(clientConfig, topics.models().name(), 0);
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.onlineQuality = new KafkaStreams(onlineQualityTopology(), onlineQualityProperties());
        this.onlineQualityMetrics = new KafkaStreamsMetrics(onlineQuality);
        onlineQualityMetrics.bindTo(meters);
        this.loop = new Thread(this::consume, "retrainer-consumer");
    }

    private Topology onlineQualityTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        OnlineQualityTopology.build(builder, new OnlineQualityTopology.Topics(
                        topics.decisions().name(), topics.decisions().valueSerde(),
                        retrainTopics.labeledPairs().name(), retrainTopics.labeledPairs().valueSerde(),
                        retrainTopics.modelEvents().name(), retrainTopics.modelEvents().valueSerde()),
                settings.labelDelay(), metrics::onlineAccuracy);
        return builder.build();
    }

    private Properties onlineQualityProperties() {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId() + "-online-quality");
        p.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitIntervalMs());
        p.putIfAbsent(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return p;
    }

    /** Starts consuming, the online-quality topology and (port >= 0) the metrics endpoint. */
    public RetrainService start(int metricsPort) {
        onlineQuality.start();
        loop.start();
        if (metricsPort >= 0) {
            metricsServer = MetricsServer.start(metricsPort, meters, this::isAlive, this::notReadyReason);
            LOG.info("retrainer metrics on http://localhost:{}/metrics", metricsServer.port());
        }
        return this;
    }

    private void consume() {
        try (LeadershipLock lock = new LeadershipLock(clientConfig, retrainTopics.retrainerLock().name(),
                settings.applicationId() + "-" + settings.modelName(), settings.sessionTimeout());
             LabelFeed feed = new LabelFeed(clientConfig, retrainTopics.labeledPairs().name());
             ChampionTracker champions = new ChampionTracker(clientConfig, topics.models(), settings.modelName(),
                     new ModelLoader(PairScorers::fastest, 0, clock, trust.champions()))) {
            RetrainTrigger trigger = null;
            Future<?> inFlight = null;
            while (running) {
                boolean nowActive = lock.poll(Duration.ofMillis(50));
                LoadedModel champion = champions.poll(Duration.ZERO);
                if (champion != null) {
                    metrics.champion(champion.version());
                }
                if (!nowActive) {
                    if (active) {
                        LOG.info("Standing by: dropping the window of {} labels", window.size());
                        window.clear();
                    }
                    active = false;
                    windowReady = false;
                    continue;
                }
                if (!active) {
                    active = true;
                    for (ConsumerRecord<byte[], byte[]> r : feed.replayTail(settings.windowSize(), REPLAY_TIMEOUT)) {
                        accept(r, champion);
                    }
                    windowReady = true;
                    trigger = new RetrainTrigger(settings.everyLabels(), settings.everyInterval(), settings.minLabels(),
                            clock.instant());
                    // A new active instance cannot know which of these its predecessor trained on: count
                    // them all as new, so labels that arrived while no retrainer was active still count.
                    trigger.onLabels(window.size());
                    LOG.info("Active for model '{}': window restored with {} labels", settings.modelName(), window.size());
                }
                int added = 0;
                for (ConsumerRecord<byte[], byte[]> r : feed.poll(Duration.ofMillis(200))) {
                    added += accept(r, champion) ? 1 : 0;
                }
                trigger.onLabels(added);
                if (!stopping && (inFlight == null || inFlight.isDone()) && champions.caughtUp()) {
                    String why = trigger.due(window.size(), clock.instant());
                    if (why != null) {
                        ModelPublisher roundPublisher = claimPublisher();
                        if (roundPublisher == null) {
                            continue;
                        }
                        trigger.started(clock.instant());
                        TrainingWindow.Labeled snapshot = window.labeled();
                        ModelArtifact championArtifact = champion == null ? null : champion.artifact();
                        LOG.info("Retraining '{}' on {} labels: {}", settings.modelName(), snapshot.size(), why);
                        try {
                            inFlight = training.submit(() -> runRound(snapshot, championArtifact, roundPublisher));
                        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                            roundPublisher.close();
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                failure = e;
                LOG.error("Retrainer stopped on an error", e);
            }
        } finally {
            active = false;
        }
    }

    /** Adds a decodable, valid labeled pair to the window; anything else becomes a dead letter. */
    private boolean accept(ConsumerRecord<byte[], byte[]> r, LoadedModel champion) {
        LabeledPair pair;
        try {
            pair = r.value() == null ? null
                    : retrainTopics.labeledPairs().valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            deadLetter(r, DeadLetterReason.DESERIALIZATION, e.getMessage());
            return false;
        }
        if (pair == null) {
            deadLetter(r, DeadLetterReason.MISSING_SIDE, "record has no value");
            return false;
        }
        int dim = champion != null ? champion.inputDim() : window.dimension(pair.getLeft().size());
        PairValidator.Violation v = LabeledPairs.check(pair, dim);
        if (v != null) {
            deadLetter(r, v.reason(), v.message());
            return false;
        }
        window.add(pair, new LabelPosition(r.topic(), r.partition(), r.offset()));
        return true;
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, DeadLetterReason reason, String message) {
        DeadLetter dl = deadLetters.of(r.key(), r.value(), r.headers(), r.topic(), r.partition(), r.offset(), reason,
                message);
        String dlq = retrainTopics.labelDeadLetters().name();
        producer.send(new ProducerRecord<>(dlq, r.key(),
                retrainTopics.labelDeadLetters().valueSerde().serializer().serialize(dlq, dl)));
        metrics.deadLetter(reason.name());
        LOG.warn("Labeled pair {}-{}@{} to {}: {} {}", r.topic(), r.partition(), r.offset(), dlq, reason, message);
    }

    /**
     * Claimed on the consuming thread right after the lock confirmed this instance is active: the
     * claim (initTransactions) fences the publisher of any earlier active instance, so a zombie
     * still training after losing the role cannot publish over its successor. null when the
     * broker refused (the round is tried again on the next loop).
     */
    private ModelPublisher claimPublisher() {
        ModelPublisher p = new ModelPublisher(clientConfig, topics.models(), topics.modelHistory(), clock);
        try {
            p.claim(settings.modelName());
            return p;
        } catch (RuntimeException e) {
            LOG.warn("Could not claim the publisher of model '{}': {}; retrying", settings.modelName(), e.toString());
            p.close();
            return null;
        }
    }

    private void runRound(TrainingWindow.Labeled snapshot, ModelArtifact champion, ModelPublisher roundPublisher) {
        ModelEvent event;
        try (roundPublisher) {
            RetrainJob job = new RetrainJob(settings.modelName(), trainer,
                    new PromotionGate(settings.metric(), settings.tolerance(), settings.minimum()),
                    settings.holdoutFraction(), challenger -> publishIfStillActive(challenger, roundPublisher), clock,
                    trust.stamp());
            event = job.run(snapshot, champion);
        }
        String topic = retrainTopics.modelEvents().name();
        producer.send(new ProducerRecord<>(topic, settings.modelName().getBytes(StandardCharsets.UTF_8),
                retrainTopics.modelEvents().valueSerde().serializer().serialize(topic, event)));
        producer.flush();
        metrics.round(event);
        eventListener.accept(event);
    }

    /** A retrainer that lost the active role while training must not publish over the new one. */
    private long publishIfStillActive(ModelArtifact challenger, ModelPublisher roundPublisher) {
        // A cheap early exit; the fence is the transactional publish itself (see claimPublisher).
        if (!active) {
            if (stopping) {
                throw new io.simstream.lifecycle.PublishAbortedException("shutdown before the publish", null);
            }
            throw new io.simstream.lifecycle.PublishFencedException(
                    "lost the active role during training; not publishing", null);
        }
        Map<String, String> meta = Map.of("source", "retrainer", "application", settings.applicationId(),
                "trainedOn", challenger.createdAt().toString());
        TopicChecks.requireModelsTopic(clientConfig, topics.models().name(), ModelRecords.sizeOf(challenger, settings.modelName(), meta));
        return roundPublisher.publish(challenger, settings.modelName(), OptionalLong.empty(), meta).version();
    }

    public boolean isActive() {
        return active;
    }

    public int windowSize() {
        return window.size();
    }

    public RetrainMetrics metrics() {
        return metrics;
    }

    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public boolean isAlive() {
        KafkaStreams.State s = onlineQuality.state();
        return failure == null && loop.isAlive() && s != KafkaStreams.State.ERROR
                && s != KafkaStreams.State.PENDING_ERROR;
    }

    /** null when ready: online quality RUNNING and either standing by or active with its window restored. */
    public String notReadyReason() {
        if (!isAlive()) {
            return failure != null ? "failed: " + failure.getMessage() : "not running";
        }
        if (onlineQuality.state() != KafkaStreams.State.RUNNING) {
            return "online-quality streams " + onlineQuality.state();
        }
        return active && !windowReady ? "restoring the training window" : null;
    }

    /**
     * A round in flight is let finish (its publish commits, or it ends as REJECTED / fenced) for up
     * to ROUND_GRACE; only then is it interrupted, which aborts its publish transaction and ends
     * the round as ABORTED, never as a false TRAINING_FAILED. Its event is sent before the producer
     * closes.
     */
    private void finishRound() {
        training.shutdown();
        try {
            if (!training.awaitTermination(ROUND_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.info("A retraining round is still running after {}: interrupting it", ROUND_GRACE);
                training.shutdownNow();
                training.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            training.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the consuming loop or the online-quality app died (not a requested stop). */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        stopping = true;
        if (metricsServer != null) {
            metricsServer.close();
        }
        // The round first, while the loop still holds the lock: a standby taking over now would
        // fence a publish that is about to commit.
        finishRound();
        running = false;
        try {
            loop.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onlineQuality.close(Duration.ofSeconds(15));
        onlineQualityMetrics.close();
        producer.close(Duration.ofSeconds(5));
        meters.close();
    }
}
