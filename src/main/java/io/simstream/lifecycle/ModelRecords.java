package io.simstream.lifecycle;

import io.simstream.avro.ModelRecord;
import io.simstream.model.ModelArtifact;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Builds the record that carries a model on the models topic. */
public final class ModelRecords {
    private ModelRecords() {
    }

    /**
     * The artifact is re-stamped with the record's name and version so both say the same thing
     * (its signatures stay valid: they do not cover name and version), and the SHA-256 is taken over
     * the bytes actually sent. signerKeyId repeats the signatures' key ids for listings.
     */
    public static ModelRecord of(ModelArtifact artifact, String name, long version, Map<String, String> metadata,
                                 Instant publishedAt) {
        return of(artifact, name, version, metadata, publishedAt, Rollout.FULL);
    }

    /** A record of the given rollout stage (a candidate goes under the candidate key, see ModelKeys). */
    public static ModelRecord of(ModelArtifact artifact, String name, long version, Map<String, String> metadata,
                                 Instant publishedAt, Rollout rollout) {
        ModelArtifact stamped = artifact.withName(name).withVersion(version);
        byte[] bytes = stamped.toBytes();
        return ModelRecord.newBuilder()
                .setName(name)
                .setVersion(version)
                .setSha256(ModelArtifact.sha256Hex(bytes))
                .setArtifact(ByteBuffer.wrap(bytes))
                .setHead(stamped.head().id())
                .setInputDim(stamped.inputDim())
                .setPublishedAt(publishedAt)
                .setMetadata(Map.copyOf(metadata))
                .setStage(rollout.stage().name())
                .setCanaryPercent(rollout.canaryPercent())
                .setSignerKeyId(stamped.signerKeyIds())
                .build();
    }

    /** The same version (same artifact bytes and SHA-256) moved to another rollout stage at a new time. */
    public static ModelRecord restaged(ModelRecord record, Rollout rollout, Map<String, String> extraMetadata,
                                       Instant at) {
        Map<String, String> meta = new TreeMap<>(record.getMetadata());
        meta.putAll(extraMetadata);
        return ModelRecord.newBuilder(record)
                .setStage(rollout.stage().name())
                .setCanaryPercent(rollout.canaryPercent())
                .setPublishedAt(at)
                .setMetadata(meta)
                .build();
    }

    /**
     * About how many bytes the model's record takes on the topic (Avro body plus the header, key and
     * batch overhead), to check against the topic's max.message.bytes before publishing.
     */
    public static long sizeOf(ModelArtifact artifact, String name, Map<String, String> metadata) {
        ModelRecord r = of(artifact, name, Long.MAX_VALUE, metadata, Instant.EPOCH);
        long meta = metadata.entrySet().stream().mapToLong(e -> e.getKey().length() + e.getValue().length() + 10).sum();
        return r.getArtifact().remaining() + r.getSha256().length() + name.length() * 2L + meta + 512;
    }
}
