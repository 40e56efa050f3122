package io.simstream.lifecycle;

import io.simstream.avro.ModelChunk;
import io.simstream.avro.ModelRecord;
import io.simstream.model.ModelArtifact;
import io.simstream.topics.ModelKeys;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /** What a REFERENCE record says about the artifact it points at. */
    public record Reference(String uri, String sha256, long totalBytes, String head, int inputDim, String signerKeyId) {
    }

    /** A REFERENCE record: the artifact stays at uri; the scorers fetch it and check it against sha256 and its signature. */
    public static ModelRecord reference(Reference ref, String name, long version, Map<String, String> metadata,
                                        Instant publishedAt, Rollout rollout) {
        return ModelRecord.newBuilder()
                .setName(name)
                .setVersion(version)
                .setKind(RecordKind.REFERENCE.name())
                .setSha256(ref.sha256())
                .setArtifact(ByteBuffer.allocate(0))
                .setHead(ref.head())
                .setInputDim(ref.inputDim())
                .setPublishedAt(publishedAt)
                .setMetadata(Map.copyOf(metadata))
                .setStage(rollout.stage().name())
                .setCanaryPercent(rollout.canaryPercent())
                .setTotalBytes(ref.totalBytes())
                .setUri(ref.uri())
                .setSignerKeyId(ref.signerKeyId())
                .build();
    }

    /** A MODEL record split for a topic that cannot take it whole: the chunks in order, then their manifest. */
    public record Split(List<ModelRecord> chunks, ModelRecord manifest) {
    }

    /**
     * Splits a MODEL record into CHUNK records of at most chunkBytes (under {@link ModelKeys#chunk},
     * unique per version, so compaction keeps every one until a tombstone) and a MANIFEST that
     * carries everything else of the record, the whole artifact's SHA-256 and the chunks' list.
     * The chunks share the record's bytes (no copy).
     */
    public static Split split(ModelRecord record, int chunkBytes) {
        if (chunkBytes <= 0) {
            throw new IllegalArgumentException("chunk size " + chunkBytes);
        }
        ByteBuffer all = record.getArtifact().duplicate();
        int total = all.remaining();
        List<ModelRecord> chunks = new ArrayList<>();
        List<ModelChunk> listed = new ArrayList<>();
        for (int off = 0, i = 0; off < total; off += chunkBytes, i++) {
            int n = Math.min(chunkBytes, total - off);
            ByteBuffer piece = all.duplicate();
            piece.position(all.position() + off).limit(all.position() + off + n);
            piece = piece.slice();
            String sha = ChunkStream.sha256(piece.duplicate());
            String key = ModelKeys.chunk(record.getName(), record.getVersion(), i);
            chunks.add(ModelRecord.newBuilder(record)
                    .setKind(RecordKind.CHUNK.name())
                    .setArtifact(piece)
                    .setSha256(sha)
                    .setMetadata(Map.of("chunk", i + "/" + ((total + chunkBytes - 1) / chunkBytes)))
                    .setTotalBytes(n)
                    .build());
            listed.add(new ModelChunk(key, sha, n));
        }
        ModelRecord manifest = ModelRecord.newBuilder(record)
                .setKind(RecordKind.MANIFEST.name())
                .setArtifact(ByteBuffer.allocate(0))
                .setChunks(listed)
                .setTotalBytes(total)
                .build();
        return new Split(chunks, manifest);
    }

    /** The artifact's size, whatever the record's kind. */
    public static long artifactBytes(ModelRecord record) {
        RecordKind kind = RecordKind.of(record);
        return kind == RecordKind.MANIFEST || kind == RecordKind.REFERENCE ? record.getTotalBytes()
                : record.getArtifact().remaining();
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
