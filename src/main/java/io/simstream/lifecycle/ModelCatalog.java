package io.simstream.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.UserInputException;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.topics.ModelKeys;
import io.simstream.topics.TopicScan;
import io.simstream.topics.TopicSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every published version of every model, as the topics hold them: the history topic (every
 * version, never compacted) merged with the compacted models topic (the newest per name, which
 * also covers versions published before the history existed), and the model events that say who
 * published what.
 */
public final class ModelCatalog {
    /** Who put a version on the topic. */
    public enum Publisher { PUBLISH, RETRAIN, ROLLBACK;
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Metadata key the publishing code sets; `source` is what the retrainer has always written. */
    public static final String SOURCE_KEY = "source";
    public static final String ROLLED_BACK_FROM_KEY = "rolledBackFrom";

    /** One version and where it was read. */
    public record Version(ModelRecord record, Publisher publisher, String metrics, String topic, long offset) {
        public String name() {
            return record.getName();
        }

        public long version() {
            return record.getVersion();
        }
    }

    private final Map<String, TreeMap<Long, Version>> byName;
    private final List<ModelEvent> events;
    /** The candidate in rollout per name, as the compacted models topic holds it now. */
    private final Map<String, ModelRecord> candidates;
    /** Where each chunk of a large model is (history first; the models topic for older versions). */
    private final Map<String, TopicChunks.Position> chunkPositions;
    private final Map<String, Object> clientConfig;
    private final Map<String, TopicSpec<String, ModelRecord>> specs;

    private ModelCatalog(Map<String, TreeMap<Long, Version>> byName, List<ModelEvent> events,
                         Map<String, ModelRecord> candidates, Map<String, TopicChunks.Position> chunkPositions,
                         Map<String, Object> clientConfig, Map<String, TopicSpec<String, ModelRecord>> specs) {
        this.byName = byName;
        this.events = events;
        this.candidates = candidates;
        this.chunkPositions = chunkPositions;
        this.clientConfig = clientConfig;
        this.specs = specs;
    }

    public static ModelCatalog read(Map<String, Object> clientConfig, TopicSpec<String, ModelRecord> models,
                                    TopicSpec<String, ModelRecord> history, TopicSpec<String, ModelEvent> modelEvents) {
        List<ModelEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, ModelEvent> r : TopicScan.readAll(clientConfig, modelEvents.name(),
                modelEvents.keySerde().deserializer(), modelEvents.valueSerde().deserializer())) {
            if (r.value() != null) {
                events.add(r.value());
            }
        }
        Map<String, TreeMap<Long, Version>> byName = new TreeMap<>();
        Map<String, ModelRecord> candidates = new TreeMap<>();
        Map<String, TopicChunks.Position> chunkPositions = new HashMap<>();
        // History first, and its newest record of a version (a version moves through rollout stages);
        // the models topic adds versions published before the history existed. Chunks are not
        // decoded here, only where they are: a command reads the few it needs afterwards.
        for (TopicSpec<String, ModelRecord> topic : List.of(history, models)) {
            boolean isHistory = topic == history;
            TopicScan.forEach(clientConfig, topic.name(), topic.keySerde().deserializer(), new ByteArrayDeserializer(),
                    raw -> {
                if (ModelKeys.isChunk(raw.key())) {
                    if (raw.value() != null) {
                        chunkPositions.putIfAbsent(raw.key(), new TopicChunks.Position(raw.topic(), raw.partition(),
                                raw.offset()));
                    }
                    return;
                }
                ModelRecord m = raw.value() == null ? null
                        : topic.valueSerde().deserializer().deserialize(topic.name(), raw.value());
                if (!isHistory && ModelKeys.isCandidate(raw.key())) {
                    String name = ModelKeys.modelName(raw.key());
                    if (m == null) {
                        candidates.remove(name);
                    } else {
                        candidates.put(name, m);
                    }
                }
                if (m == null || !(ModelKeys.isServing(raw.key()) || ModelKeys.isCandidate(raw.key()))) {
                    return;
                }
                Version v = new Version(m, publisher(m, events), metrics(m, events), raw.topic(), raw.offset());
                TreeMap<Long, Version> versions = byName.computeIfAbsent(m.getName(), n -> new TreeMap<>());
                if (isHistory) {
                    versions.put(m.getVersion(), v);
                } else {
                    versions.putIfAbsent(m.getVersion(), v);
                }
            });
        }
        return new ModelCatalog(byName, events, candidates, chunkPositions, clientConfig,
                Map.of(history.name(), history, models.name(), models));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Versions of one model (all models when name is null), oldest first. */
    public List<Version> versions(String name) {
        List<Version> out = new ArrayList<>();
        byName.forEach((n, versions) -> {
            if (name == null || name.equals(n)) {
                out.addAll(versions.values());
            }
        });
        return out;
    }

    public Optional<Version> latest(String name) {
        TreeMap<Long, Version> versions = byName.get(name);
        return versions == null || versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
    }

    /** The newest version that went to all traffic: what every scorer of the name serves. */
    public Optional<Version> champion(String name) {
        TreeMap<Long, Version> versions = byName.get(name);
        if (versions == null) {
            return Optional.empty();
        }
        return versions.descendingMap().values().stream()
                .filter(v -> RolloutStage.parse(v.record().getStage()) == RolloutStage.FULL).findFirst();
    }

    /** The candidate in rollout now, if any. */
    public Optional<ModelRecord> candidate(String name) {
        return Optional.ofNullable(candidates.get(name));
    }

    /**
     * Where a version stands: "full", "shadow" or "canary N%" while it is the candidate, "rolled back"
     * when a ROLLED_BACK event ended its rollout, or "ended" for a candidate that left rollout otherwise
     * (superseded by a newer model).
     */
    public String stage(Version v) {
        RolloutStage stage = RolloutStage.parse(v.record().getStage());
        if (stage == RolloutStage.FULL) {
            return "full";
        }
        ModelRecord current = candidates.get(v.name());
        if (current != null && current.getVersion() == v.version()) {
            return new Rollout(RolloutStage.parse(current.getStage()), current.getCanaryPercent()).toString();
        }
        boolean rolledBack = events(v.name()).stream().anyMatch(e -> "ROLLED_BACK".equals(e.getEventType())
                && Long.valueOf(v.version()).equals(e.getChallengerVersion()));
        return rolledBack ? "rolled back" : "ended";
    }

    /** The version asked for, or a user error that lists what exists. */
    public Version require(String name, Long version) {
        TreeMap<Long, Version> versions = byName.get(name);
        if (versions == null || versions.isEmpty()) {
            throw new UserInputException("no model named '" + name + "' on the topics"
                    + (byName.isEmpty() ? " (none published yet)" : "; known: " + String.join(", ", byName.keySet())));
        }
        if (version == null) {
            return versions.lastEntry().getValue();
        }
        Version v = versions.get(version);
        if (v == null) {
            throw new UserInputException("model '" + name + "' has no version " + version + "; versions: "
                    + versions.keySet());
        }
        return v;
    }

    /**
     * The artifact of NAME[:VERSION] (newest without a version), verified the way a scorer loads it
     * (SHA-256, checksum, head, dimension; chunks one by one): what `score` runs offline is what
     * `serve` would serve.
     */
    public ModelArtifact artifact(String ref) {
        var parsed = parseRef(ref);
        Version v = require(parsed.getKey(), parsed.getValue());
        try {
            return load(v, new ModelLoader(PairScorers::fastest, 0, Clock.systemUTC())).artifact();
        } catch (ModelRejectedException e) {
            throw new UserInputException(v.name() + " v" + v.version() + " on " + v.topic() + " cannot be loaded ("
                    + e.reason() + ": " + e.getMessage() + ")");
        }
    }

    /** Loads v with loader, reading a large model's chunks back from the topics. */
    public LoadedModel load(Version v, ModelLoader loader) throws ModelRejectedException {
        try (TopicChunks chunks = chunks()) {
            return loader.load(v.record(), 0, chunks);
        }
    }

    /**
     * Hands the bytes of v's artifact, whatever the record's kind, to body as a stream: the record's
     * own bytes, its chunks read back one at a time (each checked against the manifest), or its
     * reference's uri (transport errors retried for retry). The caller checks the whole artifact.
     */
    public <T> T readArtifact(Version v, Duration retry, ReferenceFetcher.Body<T> body) throws ModelRejectedException {
        ModelRecord r = v.record();
        RecordKind kind = RecordKind.of(r);
        try {
            if (kind == RecordKind.MANIFEST) {
                try (TopicChunks chunks = chunks(); ChunkStream in = new ChunkStream(r, chunks)) {
                    return body.read(in);
                }
            }
            if (kind == RecordKind.REFERENCE) {
                return new ReferenceFetcher(new ReferenceFetcher.Settings(Duration.ofMinutes(2), retry,
                        ReferenceFetcher.Settings.DEFAULT.maxBytes()), e -> { }).fetch(r.getUri(), r.getTotalBytes(), body);
            }
            return body.read(new ByteArrayInputStream(ModelLoader.toArray(r.getArtifact())));
        } catch (ChunkStream.Problem e) {
            throw new ModelRejectedException(e.reason(), e.getMessage());
        } catch (IOException e) {
            throw new ModelRejectedException(Reason.CHUNK_MISSING, "could not read the artifact: " + e);
        }
    }

    private TopicChunks chunks() {
        return new TopicChunks(clientConfig, chunkPositions, specs);
    }

    /** Model events about one model, in topic order. */
    public List<ModelEvent> events(String name) {
        return events.stream().filter(e -> name.equals(e.getModelName())).toList();
    }

    /** Parses NAME or NAME:VERSION. */
    public static Map.Entry<String, Long> parseRef(String ref) {
        int colon = ref.lastIndexOf(':');
        if (colon < 0) {
            return new AbstractMap.SimpleImmutableEntry<>(ref, null);
        }
        String name = ref.substring(0, colon);
        String v = ref.substring(colon + 1);
        try {
            long version = Long.parseLong(v.startsWith("v") ? v.substring(1) : v);
            if (name.isEmpty() || version < 1) {
                throw new NumberFormatException();
            }
            return new AbstractMap.SimpleImmutableEntry<>(name, version);
        } catch (NumberFormatException e) {
            throw new UserInputException("'" + ref + "': expected NAME or NAME:VERSION with a version >= 1");
        }
    }

    private static Publisher publisher(ModelRecord m, List<ModelEvent> events) {
        String source = m.getMetadata().get(SOURCE_KEY);
        if (source != null) {
            String s = source.toLowerCase(Locale.ROOT);
            if (s.startsWith("retrain")) {
                return Publisher.RETRAIN;
            }
            if (s.equals(Publisher.ROLLBACK.id())) {
                return Publisher.ROLLBACK;
            }
            return Publisher.PUBLISH;
        }
        boolean retrained = events.stream().anyMatch(e -> m.getName().equals(e.getModelName())
                && "PUBLISHED".equals(e.getEventType()) && Long.valueOf(m.getVersion()).equals(e.getChallengerVersion()));
        return retrained ? Publisher.RETRAIN : Publisher.PUBLISH;
    }

    /**
     * A short quality line: the retrainer's holdout metric for a retrained version, else what
     * training measured (test set if there was one, else validation) as stored in the artifact.
     */
    private static String metrics(ModelRecord m, List<ModelEvent> events) {
        for (ModelEvent e : events) {
            if (m.getName().equals(e.getModelName()) && "PUBLISHED".equals(e.getEventType())
                    && Long.valueOf(m.getVersion()).equals(e.getChallengerVersion()) && e.getChallengerMetric() != null) {
                return String.format(Locale.ROOT, "holdout %s %.4f", e.getMetric(), e.getChallengerMetric());
            }
        }
        if (RecordKind.of(m) != RecordKind.MODEL) {
            // The artifact is in chunks or elsewhere: `models show` reads it, a listing does not.
            return "-";
        }
        JsonNode training;
        try {
            training = ModelArtifact.fromBytes(ModelLoader.toArray(m.getArtifact())).trainingMetrics();
        } catch (InvalidModelException | RuntimeException e) {
            return "unreadable artifact";
        }
        if (training == null) {
            return "-";
        }
        for (String part : List.of("test", "validation")) {
            JsonNode n = training.get(part);
            if (n != null && n.has("accuracy") && n.has("auc")) {
                return String.format(Locale.ROOT, "%s accuracy %.4f auc %.4f", part, n.get("accuracy").asDouble(),
                        n.get("auc").asDouble());
            }
        }
        return "-";
    }

    /** Metadata as a stable, printable map. */
    public static Map<String, String> sortedMetadata(ModelRecord m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.getMetadata().entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
