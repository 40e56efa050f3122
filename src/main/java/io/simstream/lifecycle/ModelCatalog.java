package io.simstream.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.UserInputException;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.ModelRecord;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.topics.TopicScan;
import io.simstream.topics.TopicSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

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

    private ModelCatalog(Map<String, TreeMap<Long, Version>> byName, List<ModelEvent> events) {
        this.byName = byName;
        this.events = events;
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
        // History first: where both hold a version, the history's copy is the one kept.
        for (TopicSpec<String, ModelRecord> topic : List.of(history, models)) {
            for (ConsumerRecord<String, ModelRecord> r : TopicScan.readAll(clientConfig, topic.name(),
                    topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
                ModelRecord m = r.value();
                if (m == null) {
                    continue;
                }
                byName.computeIfAbsent(m.getName(), n -> new TreeMap<>()).putIfAbsent(m.getVersion(),
                        new Version(m, publisher(m, events), metrics(m, events), r.topic(), r.offset()));
            }
        }
        return new ModelCatalog(byName, events);
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
     * (SHA-256, checksum, head, dimension): what `score` runs offline is what `serve` would serve.
     */
    public ModelArtifact artifact(String ref) {
        var parsed = parseRef(ref);
        Version v = require(parsed.getKey(), parsed.getValue());
        try {
            return new ModelLoader(io.simstream.model.PairScorers::fastest, 0, java.time.Clock.systemUTC())
                    .load(v.record()).artifact();
        } catch (ModelRejectedException e) {
            throw new UserInputException(v.name() + " v" + v.version() + " on " + v.topic() + " cannot be loaded ("
                    + e.reason() + ": " + e.getMessage() + ")");
        }
    }

    /** Model events about one model, in topic order. */
    public List<ModelEvent> events(String name) {
        return events.stream().filter(e -> name.equals(e.getModelName())).toList();
    }

    /** Parses NAME or NAME:VERSION. */
    public static Map.Entry<String, Long> parseRef(String ref) {
        int colon = ref.lastIndexOf(':');
        if (colon < 0) {
            return new java.util.AbstractMap.SimpleImmutableEntry<>(ref, null);
        }
        String name = ref.substring(0, colon);
        String v = ref.substring(colon + 1);
        try {
            long version = Long.parseLong(v.startsWith("v") ? v.substring(1) : v);
            if (name.isEmpty() || version < 1) {
                throw new NumberFormatException();
            }
            return new java.util.AbstractMap.SimpleImmutableEntry<>(name, version);
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
