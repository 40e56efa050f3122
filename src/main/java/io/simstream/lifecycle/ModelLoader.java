package io.simstream.lifecycle;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.signing.Verification;
import java.nio.ByteBuffer;
import java.time.Clock;

/**
 * Turns a model record into a {@link LoadedModel}, or says why it cannot: the record's SHA-256
 * must match the artifact bytes, the artifact must parse (it has its own checksum trailer), and
 * the record's declared head and input dimension must match the artifact and, when configured,
 * the dimension the service expects; and its signature must satisfy the {@link TrustPolicy}.
 */
public final class ModelLoader {
    /**
     * Metadata key `publish --allow-dimension-change` writes into the record: the one way to
     * replace a serving model by one of another input dimension.
     */
    public static final String ALLOW_DIMENSION_CHANGE = "simstream.allow-dimension-change";

    private final PairScorerFactory scorers;
    private final int expectedInputDim;
    private final Clock clock;
    private final TrustPolicy trust;

    /** expectedInputDim 0 accepts any dimension. Signatures are not checked. */
    public ModelLoader(PairScorerFactory scorers, int expectedInputDim, Clock clock) {
        this(scorers, expectedInputDim, clock, TrustPolicy.off());
    }

    public ModelLoader(PairScorerFactory scorers, int expectedInputDim, Clock clock, TrustPolicy trust) {
        this.scorers = scorers;
        this.expectedInputDim = expectedInputDim;
        this.clock = clock;
        this.trust = trust;
    }

    public LoadedModel load(ModelRecord record) throws ModelRejectedException {
        return load(record, 0);
    }

    /**
     * servingInputDim: the dimension of the model serving now (0 = none). A model of another
     * dimension would dead-letter every pair sized for the serving one, so it is refused unless
     * its record says the change is deliberate.
     */
    public LoadedModel load(ModelRecord record, int servingInputDim) throws ModelRejectedException {
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
        Verification verification = trust.check(bytes, artifact, "model '" + record.getName() + "' v"
                + record.getVersion(), actualSha);
        if (artifact.inputDim() != record.getInputDim()) {
            throw new ModelRejectedException(Reason.DIMENSION_MISMATCH, "record declares input dim "
                    + record.getInputDim() + ", artifact has " + artifact.inputDim());
        }
        if (expectedInputDim > 0 && artifact.inputDim() != expectedInputDim) {
            throw new ModelRejectedException(Reason.DIMENSION_MISMATCH, "service expects input dim "
                    + expectedInputDim + ", artifact has " + artifact.inputDim());
        }
        if (servingInputDim > 0 && artifact.inputDim() != servingInputDim && !allowsDimensionChange(record)) {
            throw new ModelRejectedException(Reason.DIMENSION_MISMATCH, "the serving model has input dim "
                    + servingInputDim + ", this one " + artifact.inputDim() + "; publish it with"
                    + " --allow-dimension-change if the change is deliberate");
        }
        String nonFinite = ModelSanity.firstNonFinite(artifact);
        if (nonFinite != null) {
            throw new ModelRejectedException(Reason.NON_FINITE, nonFinite);
        }
        if (!artifact.head().id().equalsIgnoreCase(record.getHead())) {
            throw new ModelRejectedException(Reason.HEAD_MISMATCH, "record declares head '" + record.getHead()
                    + "', artifact has " + artifact.head().id());
        }
        return new LoadedModel(record.getName(), record.getVersion(), actualSha, scorers.create(artifact),
                clock.instant(), verification);
    }

    static boolean allowsDimensionChange(ModelRecord record) {
        return record.getMetadata() != null && "true".equalsIgnoreCase(record.getMetadata().get(ALLOW_DIMENSION_CHANGE));
    }

    public static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
