package io.simstream.lifecycle;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import java.nio.ByteBuffer;
import java.time.Clock;

/**
 * Turns a model record into a {@link LoadedModel}, or says why it cannot: the record's SHA-256
 * must match the artifact bytes, the artifact must parse (it has its own checksum trailer), and
 * the record's declared head and input dimension must match the artifact and, when configured,
 * the dimension the service expects.
 */
public final class ModelLoader {
    private final PairScorerFactory scorers;
    private final int expectedInputDim;
    private final Clock clock;

    /** expectedInputDim 0 accepts any dimension. */
    public ModelLoader(PairScorerFactory scorers, int expectedInputDim, Clock clock) {
        this.scorers = scorers;
        this.expectedInputDim = expectedInputDim;
        this.clock = clock;
    }

    public LoadedModel load(ModelRecord record) throws ModelRejectedException {
        if (record.getArtifact() == null || record.getSha256() == null || record.getName() == null) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "record lacks artifact, sha256 or name");
        }
        if (record.getVersion() < 1) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "version " + record.getVersion() + " is not positive");
        }
        byte[] bytes = toArray(record.getArtifact());
        String actualSha = ModelArtifact.sha256Hex(bytes);
        if (!actualSha.equalsIgnoreCase(record.getSha256())) {
            throw new ModelRejectedException(Reason.SHA_MISMATCH,
                    "record says " + record.getSha256() + ", artifact bytes hash to " + actualSha);
        }
        ModelArtifact artifact;
        try {
            artifact = ModelArtifact.fromBytes(bytes);
        } catch (InvalidModelException e) {
            throw new ModelRejectedException(Reason.CORRUPT_ARTIFACT, e.getMessage());
        }
        if (artifact.inputDim() != record.getInputDim()) {
            throw new ModelRejectedException(Reason.DIMENSION_MISMATCH, "record declares input dim "
                    + record.getInputDim() + ", artifact has " + artifact.inputDim());
        }
        if (expectedInputDim > 0 && artifact.inputDim() != expectedInputDim) {
            throw new ModelRejectedException(Reason.DIMENSION_MISMATCH, "service expects input dim "
                    + expectedInputDim + ", artifact has " + artifact.inputDim());
        }
        if (!artifact.head().id().equalsIgnoreCase(record.getHead())) {
            throw new ModelRejectedException(Reason.HEAD_MISMATCH, "record declares head '" + record.getHead()
                    + "', artifact has " + artifact.head().id());
        }
        return new LoadedModel(record.getName(), record.getVersion(), actualSha, scorers.create(artifact),
                clock.instant());
    }

    public static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
