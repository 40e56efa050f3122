package io.simstream.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.UserInputException;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.ModelRecord;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.model.ModelDigest;
import io.simstream.model.PairScorers;
import io.simstream.model.StreamedArtifact;
import io.simstream.provenance.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The operator's model commands (list, show, export, rollback) over a {@link ModelCatalog}. Output
 * goes to a line sink; the clients come from outside.
 */
public final class ModelAdmin {
    public static final String ROLLED_BACK = "ROLLED_BACK";
    public static final String PROMOTED = "PROMOTED";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelCatalog catalog;
    private final Consumer<String> out;

    public ModelAdmin(ModelCatalog catalog, Consumer<String> out) {
        this.catalog = catalog;
        this.out = out;
    }

    /**
     * One version as `models list` shows it. signer: the key id(s) the artifact's signatures name, or
     * null when unsigned; claimed, not verified here (serve verifies against model.trust.keys).
     */
    public record Listed(String name, long version, boolean newest, String stage, String publishedAt, String head,
                         int dim, String publisher, String metrics, String signer, List<String> servedBy) {
    }

    /** One row per version (all models when name is null), and what each instance serves. */
    public void list(String name, List<URI> instances) {
        Map<URI, ServingInstances.Observation> serving = ServingInstances.observe(instances);
        List<Listed> versions = listed(name, serving);
        if (versions.isEmpty()) {
            out.accept(name == null ? "no models published yet" : "no model named '" + name + "'");
        } else {
            out.accept(String.format(Locale.ROOT, "%-16s %7s  %-12s %-24s %-12s %5s  %-9s %-34s %-16s %s", "NAME",
                    "VERSION", "STAGE", "PUBLISHED AT", "HEAD", "DIM", "PUBLISHER", "METRICS", "SIGNER", "SERVED BY"));
        }
        for (Listed v : versions) {
            out.accept(String.format(Locale.ROOT, "%-16s %7s  %-12s %-24s %-12s %5d  %-9s %-34s %-16s %s", v.name(),
                    "v" + v.version() + (v.newest() ? "*" : ""), v.stage(), v.publishedAt(), v.head(), v.dim(),
                    v.publisher(), v.metrics(), v.signer() == null ? "-" : v.signer(),
                    v.servedBy().isEmpty() ? "-" : String.join(",", v.servedBy())));
        }
        if (!versions.isEmpty()) {
            out.accept("(* = the newest full version: what every scorer of that name serves once it has read the models"
                    + " topic; a shadow or canary candidate is served beside it)");
        }
        serving.values().forEach(o -> out.accept("instance " + o.endpoint() + ": " + o.describe()));
    }

    /**
     * The same as {@link #list}, as one JSON document for scripts: {"versions": [...], "instances":
     * [{"endpoint", "servesVersion" (null when it could not be asked), "state"}]}.
     */
    public void listJson(String name, List<URI> instances) {
        Map<URI, ServingInstances.Observation> serving = ServingInstances.observe(instances);
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode versions = doc.putArray("versions");
        listed(name, serving).forEach(v -> versions.add(JSON.valueToTree(v)));
        ArrayNode observed = doc.putArray("instances");
        serving.values().forEach(o -> observed.addObject().put("endpoint", o.endpoint().toString())
                .put("servesVersion", o.version()).put("state", o.describe()));
        try {
            out.accept(JSON.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the model list as JSON", e);
        }
    }

    private List<Listed> listed(String name, Map<URI, ServingInstances.Observation> serving) {
        List<Listed> rows = new ArrayList<>();
        for (ModelCatalog.Version v : catalog.versions(name)) {
            ModelRecord r = v.record();
            List<String> servedBy = new ArrayList<>();
            serving.values().forEach(o -> {
                if (o.version() != null && o.version() == v.version()) {
                    servedBy.add(o.endpoint().getAuthority());
                }
            });
            boolean newest = catalog.champion(v.name()).map(l -> l.version() == v.version()).orElse(false);
            rows.add(new Listed(r.getName(), r.getVersion(), newest, catalog.stage(v), String.valueOf(r.getPublishedAt()),
                    r.getHead(), r.getInputDim(), v.publisher().id(), v.metrics(), signer(r), List.copyOf(servedBy)));
        }
        return rows;
    }

    /** The key ids the artifact's header names (the record's signerKeyId only repeats them), or null. */
    static String signer(ModelRecord r) {
        try {
            JsonNode sigs = ModelArtifact.header(ModelLoader.toArray(r.getArtifact())).get("signatures");
            if (sigs == null || !sigs.isArray() || sigs.isEmpty()) {
                return null;
            }
            List<String> ids = new ArrayList<>();
            sigs.forEach(s -> ids.add(s.path("keyId").asText("?")));
            return String.join(",", ids);
        } catch (InvalidModelException e) {
            return r.getSignerKeyId();
        }
    }

    /** Everything about one version (the newest when the ref has no version). */
    public void show(String ref) {
        var parsed = ModelCatalog.parseRef(ref);
        ModelCatalog.Version v = catalog.require(parsed.getKey(), parsed.getValue());
        ModelRecord r = v.record();
        out.accept("name:         " + r.getName());
        out.accept("version:      " + r.getVersion());
        out.accept("stage:        " + catalog.stage(v));
        out.accept("published at: " + r.getPublishedAt());
        out.accept("publisher:    " + v.publisher().id());
        out.accept("head:         " + r.getHead());
        out.accept("dimension:    " + r.getInputDim());
        out.accept("sha256:       " + r.getSha256());
        out.accept("size:         " + ModelRecords.artifactBytes(r) + " bytes");
        RecordKind kind = RecordKind.of(r);
        if (kind == RecordKind.MANIFEST) {
            out.accept("stored as:    " + r.getChunks().size() + " chunks (" + r.getChunks().get(0).getKey() + " ...)");
        } else if (kind == RecordKind.REFERENCE) {
            out.accept("stored as:    reference to " + r.getUri());
        }
        out.accept("metrics:      " + v.metrics());
        out.accept("stored at:    " + v.topic() + " offset " + v.offset());
        try {
            StreamedArtifact read = catalog.readArtifact(v, Duration.ofSeconds(10),
                    in -> parse(in, ModelRecords.artifactBytes(r)));
            ModelArtifact a = read.artifact();
            out.accept(String.format(Locale.ROOT, "artifact:     %s, threshold %s, %d parameters, created %s", a,
                    a.threshold(), a.parameterCount(), a.createdAt()));
            out.accept("content:      sha256 " + ModelDigest.hex(read.contentDigest())
                    + " (the digest signatures cover: all but name and version)");
            if (a.signatures().isEmpty()) {
                out.accept("signatures:   none");
            }
            a.signatures().forEach(s -> out.accept("signature:    key " + s.keyId() + " (" + s.algorithm()
                    + "; not verified here: serve checks it against model.trust.keys)"));
            if (a.provenance() == null) {
                out.accept("provenance:   none recorded");
            }
            Provenance.lines(a.provenance()).forEach(line -> out.accept("provenance:   " + line));
        } catch (ModelRejectedException e) {
            out.accept("artifact:     unreadable (" + e.getMessage() + ")");
        }
        ModelCatalog.sortedMetadata(r).forEach((k, val) -> out.accept("metadata:     " + k + "=" + val));
        for (ModelEvent e : catalog.events(r.getName())) {
            if (Long.valueOf(r.getVersion()).equals(e.getChallengerVersion()) && !"COMPARISON".equals(e.getEventType())) {
                out.accept("event:        " + e.getAt() + " " + e.getEventType() + " (" + e.getReason() + ")");
            }
        }
    }

    /** Writes the artifact bytes of NAME:VERSION, after checking them against the record's SHA-256. */
    public Path export(String ref, Path file) throws IOException {
        var parsed = ModelCatalog.parseRef(ref);
        if (parsed.getValue() == null) {
            throw new UserInputException("'" + ref + "': export needs NAME:VERSION");
        }
        ModelCatalog.Version v = catalog.require(parsed.getKey(), parsed.getValue());
        Path target = Files.isDirectory(file) ? file.resolve(ModelFiles.ARTIFACT_NAME) : file;
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Streamed to a temporary file beside the target, hashed on the way, moved in place when it matches.
        Path partial = Files.createTempFile(parent == null ? Path.of(".") : parent, ".export-", ".part");
        long bytes;
        try {
            String sha;
            try {
                sha = catalog.readArtifact(v, Duration.ofSeconds(30), in -> copyHashing(in, partial));
            } catch (ModelRejectedException e) {
                throw new IllegalStateException(ref + ": " + e.getMessage() + "; not exported", e);
            }
            if (!sha.equalsIgnoreCase(v.record().getSha256())) {
                throw new IllegalStateException(ref + ": artifact bytes do not match the record's SHA-256; not exported");
            }
            bytes = Files.size(partial);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        out.accept("exported " + v.name() + " v" + v.version() + " (" + bytes + " bytes, sha256 "
                + v.record().getSha256() + ") to " + target);
        return target;
    }

    private static StreamedArtifact parse(InputStream in, long size) throws IOException, ModelRejectedException {
        try {
            return StreamedArtifact.read(in, size);
        } catch (InvalidModelException e) {
            throw new ModelRejectedException(ModelRejectedException.Reason.CORRUPT_ARTIFACT, e.getMessage());
        }
    }

    /** Copies in to file; the hex SHA-256 of what was copied. */
    private static String copyHashing(InputStream in, Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                os.write(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Republishes the artifact of NAME:VERSION as a new, higher version through the ordinary
     * publisher (so the scorers swap to it like to any new model; a candidate in rollout ends), with
     * a ROLLED_BACK model event in the same transaction. The artifact is checked first the way a
     * scorer would load it.
     */
    public ModelPublisher.Published rollback(String name, long toVersion, ModelPublisher publisher, Clock clock) {
        ModelCatalog.Version target = catalog.require(name, toVersion);
        long current = catalog.champion(name).map(ModelCatalog.Version::version).orElse(0L);
        ModelArtifact artifact;
        try {
            artifact = catalog.load(target, new ModelLoader(PairScorers::fastest, 0, clock)).artifact();
        } catch (ModelRejectedException e) {
            throw new UserInputException(name + " v" + toVersion + " would be rejected by the scorers ("
                    + e.reason() + ": " + e.getMessage() + "); not rolled back");
        }
        Map<String, String> meta = new LinkedHashMap<>(target.record().getMetadata());
        meta.put(ModelCatalog.SOURCE_KEY, ModelCatalog.Publisher.ROLLBACK.id());
        meta.put(ModelCatalog.ROLLED_BACK_FROM_KEY, String.valueOf(current));
        meta.put("rollbackOf", String.valueOf(toVersion));
        meta.put("rollbackOfSha256", target.record().getSha256());
        meta.remove("simstream.rollout.started");
        ModelPublisher.Published published = publisher.publish(artifact, name, OptionalLong.empty(), meta,
                Rollout.FULL, v -> event(name, ROLLED_BACK, current, v, "rollback from v" + current
                        + " to the artifact of v" + toVersion + " (sha256 " + target.record().getSha256()
                        + "), republished as v" + v, Map.of("rollback_of", String.valueOf(toVersion)), clock)
                        .setSignerKeyId(artifact.signerKeyIds()).build());
        out.accept("rolled back '" + name + "' from v" + current + " to the artifact of v" + toVersion
                + ": published as v" + published.version() + " (sha256 " + published.sha256() + ")");
        return published;
    }

    /** Ends the rollout of the candidate: the scorers drop it and the champion serves alone. */
    public void retireCandidate(String name, ModelPublisher publisher, Clock clock) {
        ModelRecord candidate = catalog.candidate(name).orElseThrow(() -> new UserInputException("model '" + name
                + "' has no candidate in rollout; to go back to an older version give --to VERSION"));
        long champion = catalog.champion(name).map(ModelCatalog.Version::version).orElse(0L);
        publisher.retire(name, candidate.getVersion(), v -> event(name, ROLLED_BACK, champion, v,
                "candidate v" + v + " rolled back by hand (was " + candidate.getStage().toLowerCase(Locale.ROOT)
                        + "); v" + champion + " serves alone", Map.of("by", "models rollback"), clock)
                .setSignerKeyId(candidate.getSignerKeyId()).build());
        out.accept("rolled back candidate v" + candidate.getVersion() + " of '" + name + "': v" + champion
                + " serves alone");
    }

    /** Moves the candidate on by hand: to a canary share, or to all traffic. */
    public ModelPublisher.Published promote(String name, Rollout to, ModelPublisher publisher, Clock clock) {
        ModelRecord candidate = catalog.candidate(name).orElseThrow(() -> new UserInputException("model '" + name
                + "' has no candidate in rollout (publish one with --stage shadow or --stage canary)"));
        long champion = catalog.champion(name).map(ModelCatalog.Version::version).orElse(0L);
        ModelPublisher.Published moved = publisher.restage(name, candidate.getVersion(), to,
                Map.of("simstream.rollout.step", to + " (by hand)"), v -> event(name, PROMOTED, champion, v,
                        "candidate v" + v + " moved by hand from " + candidate.getStage().toLowerCase(Locale.ROOT)
                                + " to " + to, Map.of("by", "models promote", "from",
                                candidate.getStage().toLowerCase(Locale.ROOT), "to", to.toString()), clock)
                        .setSignerKeyId(candidate.getSignerKeyId()).build());
        out.accept("candidate v" + candidate.getVersion() + " of '" + name + "' is now " + to);
        return moved;
    }

    private static ModelEvent.Builder event(String name, String type, long champion, long version, String reason,
                                            Map<String, String> details, Clock clock) {
        return ModelEvent.newBuilder()
                .setModelName(name)
                .setEventType(type)
                .setChampionVersion(champion)
                .setChallengerVersion(version)
                .setReason(reason)
                .setDetails(details)
                .setAt(clock.instant());
    }
}
