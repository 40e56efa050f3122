package io.simstream.retraining;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.simstream.RateLimitedLog;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.DeadLetters;
import io.simstream.deadletter.PairValidator;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.PublishAbortedException;
import io.simstream.lifecycle.PublishFencedException;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.observability.MetricsServer;
import io.simstream.observability.StreamsStoreTags;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicChecks;
import io.simstream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
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
 * newest part, and published (as a shadow by default) only if it is not worse; the rollout
 * controller then promotes it on live evidence or rolls it back, and a drift alarm from the scorers
 * starts a round on post-drift labels only. One instance per model name is active
 * ({@link LeadershipLock}); the others stand by. A second topology joins decisions with labels to
 * measure live quality.
 *
 * <p>Lifecycle as the scoring service's: the constructor only assembles (no client connects), and
 * {@link #start(int)} brings the parts up in phases.
 */
public final class RetrainService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainService.class);
    private static final RateLimitedLog LABEL_DEAD_LETTERS = new RateLimitedLog(Duration.ofSeconds(30));
    private static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(2);
    /** How long a shutdown lets a round in flight finish before interrupting it. */
    static final Duration ROUND_GRACE = Duration.ofSeconds(20);

    private final RetrainSettings settings;
    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private final ChallengerTrainer trainer;
    private final Consumer<ModelEvent> eventListener;
    private final Clock clock;
    private final TrainingWindow window;
    private final RetrainTrust trust;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RetrainMetrics metrics;
    private final DeadLetters deadLetters;
    private final RolloutController rollout;
    private final ExecutorService training = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "retrainer-training");
        t.setDaemon(true);
        return t;
    });
    private final Thread loop;
    private volatile String phase = "starting";
    private volatile boolean running = true;
    /** Set first on close: no new round starts, the one in flight may finish while the lock is still held. */
    private volatile boolean stopping;
    private volatile boolean active;
    private volatile boolean windowReady;
    private volatile Throwable failure;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaStreams onlineQuality;
    private KafkaStreamsMetrics onlineQualityMetrics;
    private MetricsServer metricsServer;

    // Owned by the consuming thread.
    private RetrainTrigger trigger;
    private Future<?> inFlight;
    /** Labels of pairs observed before this were dropped after a drift alarm; null before any. */
    private Instant driftPoint;
    private boolean driftRoundDue;
    private Instant lastDriftRoundStart = Instant.EPOCH;
    /** Set when a drift is taken while a round trains on labels from before it: that round must not publish. */
    private volatile Instant roundPredatesDrift;

    /**
     * @param eventListener sees every model event this instance emits (status lines, tests)
     */
    public RetrainService(RetrainSettings settings, Map<String, Object> clientConfig, Topics topics,
                          ChallengerTrainer trainer, Consumer<ModelEvent> eventListener, Clock clock) {
        this(settings, clientConfig, topics, trainer, eventListener, clock, RetrainTrust.none());
    }

    /** trust: which champions are accepted, and the provenance and signature challengers get. */
    public RetrainService(RetrainSettings settings, Map<String, Object> clientConfig, Topics topics,
                          ChallengerTrainer trainer, Consumer<ModelEvent> eventListener, Clock clock, RetrainTrust trust) {
        this.trust = trust;
        this.settings = settings;
        this.clientConfig = Map.copyOf(clientConfig);
        this.topics = topics;
        this.trainer = trainer;
        this.eventListener = eventListener;
        this.clock = clock;
        this.window = new TrainingWindow(settings.windowSize());
        meters.config().meterFilter(new StreamsStoreTags());
        this.metrics = new RetrainMetrics(meters, window::size, () -> active ? 1 : 0);
        this.deadLetters = new DeadLetters(settings.applicationId(), clock);
        this.rollout = new RolloutController(settings, this.clientConfig, topics, clock, this::emitted, metrics);
        this.loop = new Thread(this::consume, "retrainer-consumer");
    }

    /**
     * Serves /health and /ready first (port >= 0), then ensures the topics and checks the models
     * topic, then starts the online-quality app and the consuming loop.
     */
    public RetrainService start(int metricsPort) {
        if (metricsPort >= 0) {
            metricsServer = MetricsServer.start(metricsPort, meters, this::isAlive, this::notReadyReason);
            LOG.info("retrainer metrics on http://localhost:{}/metrics", metricsServer.port());
        }
        try {
            phase = "creating topics";
            // Only the topics this app reads or writes: pairs and their dead letters are the scorer's.
            TopicAdmin.createMissing(clientConfig, topics.retraining());
            phase = "checking the models topic";
            TopicChecks.requireModelsTopic(clientConfig, topics.models().name(), 0);
            phase = "starting the online-quality app";
            Map<String, Object> p = new HashMap<>(clientConfig);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            onlineQuality = new KafkaStreams(onlineQualityTopology(), onlineQualityProperties());
            onlineQualityMetrics = new KafkaStreamsMetrics(onlineQuality);
            onlineQualityMetrics.bindTo(meters);
            onlineQuality.start();
            phase = null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        loop.start();
        return this;
    }

    private Topology onlineQualityTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        OnlineQualityTopology.build(builder, topics, settings.labelDelay(), new OnlineQualityTopology.Listener() {
            @Override
            public void accuracy(String modelKey, OnlineQualityTopology.Role role, OnlineAccuracy accuracy) {
                metrics.onlineAccuracy(modelKey, role, accuracy);
            }

            @Override
            public void comparison(String modelName, Comparison comparison) {
                metrics.comparison(modelName, comparison);
            }
        });
        return builder.build();
    }

    private Properties onlineQualityProperties() {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId() + "-online-quality");
        p.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitIntervalMs());
        // Each labeled pair counts once in the comparison a promotion rests on, crash or not, and only
        // decisions that were committed count at all.
        p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.putIfAbsent(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return p;
    }

    /** What the consuming thread holds open while it runs. */
    private record Clients(LeadershipLock lock, LabelFeed labels, DeploymentTracker deployment, EventFeed events)
            implements AutoCloseable {
        @Override
        public void close() {
            events.close();
            deployment.close();
            labels.close();
            lock.close();
        }
    }

    private Clients openClients() {
        LeadershipLock lock = new LeadershipLock(clientConfig, topics.retrainerLock().name(),
                settings.applicationId() + "-" + settings.modelName(), settings.sessionTimeout());
        // The events of a rollout in progress: at most one stage's maximum time back.
        Duration lookback = settings.rollout().shadowMaxTime().compareTo(settings.rollout().canaryMaxTime()) > 0
                ? settings.rollout().shadowMaxTime() : settings.rollout().canaryMaxTime();
        return new Clients(lock, new LabelFeed(clientConfig, topics.labeledPairs().name()).open(),
                new DeploymentTracker(clientConfig, topics.models(), settings.modelName(),
                        new ModelLoader(PairScorers::fastest, 0, clock, trust.champions())).open(),
                new EventFeed(clientConfig, topics.modelEvents(), settings.modelName()).open(clock.instant().minus(lookback)));
    }

    /** Three steps, again and again: who is active, what labels came, what the models need. */
    private void consume() {
        try (Clients clients = openClients()) {
            while (running) {
                if (!followLeadership(clients)) {
                    continue;
                }
                takeNewLabels(clients);
                actOnModels(clients);
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

    /**
     * Keeps the lock and the view of the models topic alive; on becoming active replays the window
     * from the labeled-pairs topic, on losing the role drops it. True while this instance is active.
     */
    private boolean followLeadership(Clients clients) {
        boolean nowActive = clients.lock().poll(Duration.ofMillis(50));
        clients.deployment().poll(Duration.ZERO);
        clients.events().poll(Duration.ZERO);
        LoadedModel champion = clients.deployment().champion();
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
            return false;
        }
        if (!active) {
            active = true;
            for (ConsumerRecord<byte[], byte[]> r : clients.labels().replayTail(settings.windowSize(), REPLAY_TIMEOUT)) {
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
        return true;
    }

    private void takeNewLabels(Clients clients) {
        int added = 0;
        for (ConsumerRecord<byte[], byte[]> r : clients.labels().poll(Duration.ofMillis(200))) {
            added += accept(r, clients.deployment().champion()) ? 1 : 0;
        }
        trigger.onLabels(added);
    }

    /**
     * In this order: react to drift alarms; while a round trains, nothing else; while a candidate is
     * in rollout, its next step (no round starts then); else a round if one is due.
     */
    private void actOnModels(Clients clients) {
        reactToDrift(clients);
        if (stopping || (inFlight != null && !inFlight.isDone()) || !clients.deployment().caughtUp()) {
            return;
        }
        if (rollout.step(clients.deployment(), clients.events())) {
            return;
        }
        String why = roundDue();
        if (why != null) {
            startRound(clients.deployment().champion(), why);
        }
    }

    /**
     * A drift alarm about the serving version that no newer model answers yet: end a rollout whose
     * evidence predates it, keep only labels of pairs observed after it, and retrain once enough of
     * those are in.
     */
    private void reactToDrift(Clients clients) {
        if (!clients.deployment().caughtUp()) {
            // Which version serves, and whether a newer one answers the drift, is not known yet: the
            // alarms wait in the feed.
            return;
        }
        for (EventFeed.Drift drift : clients.events().takeDrifts()) {
            LoadedModel champion = clients.deployment().champion();
            if (settings.driftMinLabels() <= 0 || champion == null || drift.version() != champion.version()) {
                continue;
            }
            DeploymentTracker.Candidate candidate = clients.deployment().candidate();
            Instant championSince = clients.deployment().championPublishedAt();
            boolean answered = (championSince != null && championSince.isAfter(drift.onset()))
                    || (candidate != null && rolloutStart(candidate).isAfter(drift.onset()))
                    || lastDriftRoundStart.isAfter(drift.onset());
            if (answered) {
                continue;
            }
            eventListener.accept(drift.event());
            driftPoint = driftPoint == null || drift.onset().isAfter(driftPoint) ? drift.onset() : driftPoint;
            int dropped = window.dropObservedBefore(driftPoint);
            driftRoundDue = true;
            if (inFlight != null && !inFlight.isDone()) {
                roundPredatesDrift = drift.onset();
            }
            LOG.info("Drift of '{}' v{} from {} ({}): dropped {} labels observed before it, {} remain; retraining at"
                            + " {} post-drift labels", settings.modelName(), drift.version(), drift.onset(),
                    drift.event().getReason(), dropped, window.size(), settings.driftMinLabels());
            if (candidate != null && !stopping) {
                Map<String, String> details = new HashMap<>(drift.event().getDetails());
                details.put("drift_onset", drift.onset().toString());
                rollout.retire(candidate, champion.version(), "superseded: the input drifted at " + drift.onset()
                        + ", so the evidence gathered for this candidate no longer describes the traffic", details);
            }
        }
    }

    private static Instant rolloutStart(DeploymentTracker.Candidate c) {
        String started = c.record().getMetadata().get(RolloutController.ROLLOUT_STARTED);
        return started != null ? Instant.parse(started) : c.stageStartedAt();
    }

    /** Why a round is due now, or null: a pending drift round once its labels are in, else the trigger. */
    private String roundDue() {
        if (driftRoundDue) {
            int fresh = window.countObservedSince(driftPoint);
            return fresh >= settings.driftMinLabels() ? "drift at " + driftPoint + ": " + fresh
                    + " labels observed since" : null;
        }
        return trigger.due(window.size(), clock.instant());
    }

    private void startRound(LoadedModel champion, String why) {
        ModelPublisher roundPublisher = claimPublisher();
        if (roundPublisher == null) {
            return;
        }
        if (driftRoundDue) {
            driftRoundDue = false;
            lastDriftRoundStart = clock.instant();
        }
        roundPredatesDrift = null;
        trigger.started(clock.instant());
        TrainingWindow.Labeled snapshot = window.labeled();
        ModelArtifact championArtifact = champion == null ? null : champion.artifact();
        LOG.info("Retraining '{}' on {} labels: {}", settings.modelName(), snapshot.size(), why);
        try {
            inFlight = training.submit(() -> runRound(snapshot, championArtifact, roundPublisher));
        } catch (RejectedExecutionException shuttingDown) {
            roundPublisher.close();
        }
    }

    /** Adds a decodable, valid labeled pair to the window; anything else becomes a dead letter. */
    private boolean accept(ConsumerRecord<byte[], byte[]> r, LoadedModel champion) {
        LabeledPair pair;
        try {
            pair = r.value() == null ? null
                    : topics.labeledPairs().valueSerde().deserializer().deserialize(r.topic(), r.value());
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
        if (driftPoint != null && TrainingWindow.observedAt(pair).isBefore(driftPoint)) {
            // A late label of a pair from before the drift: not the distribution to train on now.
            return false;
        }
        window.add(pair, new LabelPosition(r.topic(), r.partition(), r.offset()));
        return true;
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, DeadLetterReason reason, String message) {
        DeadLetter dl = deadLetters.of(r.key(), r.value(), r.headers(), r.topic(), r.partition(), r.offset(), reason,
                message);
        String dlq = topics.labelDeadLetters().name();
        producer.send(new ProducerRecord<>(dlq, r.key(),
                topics.labelDeadLetters().valueSerde().serializer().serialize(dlq, dl)));
        metrics.deadLetter(reason.name());
        LABEL_DEAD_LETTERS.warn(LOG, "Labeled pair {}-{}@{} to {}: {} {}", r.topic(), r.partition(), r.offset(), dlq,
                reason, message);
    }

    /**
     * Claimed on the consuming thread right after the lock confirmed this instance is active: the
     * claim (initTransactions) fences the publisher of any earlier active instance, so a zombie
     * still training after losing the role cannot publish over its successor. null when the
     * broker refused (the round is tried again on the next loop).
     */
    private ModelPublisher claimPublisher() {
        ModelPublisher p = new ModelPublisher(clientConfig, topics, clock);
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
        if (settings.publishAs().isCandidate() && "PUBLISHED".equals(event.getEventType())) {
            Map<String, String> details = new HashMap<>(event.getDetails());
            details.put("stage", settings.publishAs().toString());
            event = ModelEvent.newBuilder(event).setDetails(details).build();
        }
        String topic = topics.modelEvents().name();
        producer.send(new ProducerRecord<>(topic, settings.modelName().getBytes(StandardCharsets.UTF_8),
                topics.modelEvents().valueSerde().serializer().serialize(topic, event)));
        producer.flush();
        metrics.round(event);
        eventListener.accept(event);
    }

    /** Events written by the rollout controller's publisher: they reach the listener the same way. */
    private void emitted(ModelEvent event) {
        eventListener.accept(event);
    }

    /** A retrainer that lost the active role while training must not publish over the new one. */
    private long publishIfStillActive(ModelArtifact challenger, ModelPublisher roundPublisher) {
        // A cheap early exit; the fence is the transactional publish itself (see claimPublisher).
        if (!active) {
            if (stopping) {
                throw new PublishAbortedException("shutdown before the publish", null);
            }
            throw new PublishFencedException("lost the active role during training; not publishing", null);
        }
        Instant drift = roundPredatesDrift;
        if (drift != null) {
            // Its window and holdout hold labels from before the drift: the drift round answers it.
            throw new PublishAbortedException("trained on labels from before the drift at " + drift
                    + "; not publishing", null);
        }
        Map<String, String> meta = new HashMap<>(RolloutController.candidateMetadata(settings.publishAs(), clock.instant()));
        meta.putAll(Map.of("source", "retrainer", "application", settings.applicationId(),
                "trainedOn", challenger.createdAt().toString()));
        TopicChecks.requireModelsTopic(clientConfig, topics.models().name(),
                ModelRecords.sizeOf(challenger, settings.modelName(), meta));
        return roundPublisher.publish(challenger, settings.modelName(), OptionalLong.empty(), meta,
                settings.publishAs(), null).version();
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
        if (failure != null) {
            return false;
        }
        if (onlineQuality == null) {
            return running;
        }
        KafkaStreams.State s = onlineQuality.state();
        return loop.isAlive() && s != KafkaStreams.State.ERROR && s != KafkaStreams.State.PENDING_ERROR;
    }

    /** null when ready: online quality RUNNING and either standing by or active with its window restored. */
    public String notReadyReason() {
        if (!isAlive()) {
            return failure != null ? "failed: " + failure.getMessage() : "not running";
        }
        String p = phase;
        if (p != null) {
            return p;
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
        if (loop.isAlive()) {
            try {
                loop.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (onlineQuality != null) {
            onlineQuality.close(Duration.ofSeconds(15));
            onlineQualityMetrics.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        meters.close();
    }
}
