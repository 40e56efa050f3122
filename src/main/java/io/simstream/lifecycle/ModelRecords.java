package io.simstream.lifecycle;

import io.simstream.avro.ModelRecord;
import io.simstream.model.ModelArtifact;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/** Builds the record that carries a model on the models topic. */
public final class ModelRecords {
    private ModelRecords() {
    }

    /**
     * The artifact is re-stamped with the record's name and version so both say the same thing,
     * and the SHA-256 is taken over the bytes actually sent.
     */
    public static ModelRecord of(ModelArtifact artifact, String name, long version, Map<String, String> metadata,
                                 Instant publishedAt) {
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
                .build();
    }
}
