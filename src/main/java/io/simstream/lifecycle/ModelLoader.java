package io.simstream.lifecycle;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.model.StreamedArtifact;
import io.simstream.signing.Verification;
import java.io.IOException;
import java.io.InputStream;
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
    private final ReferenceFetcher references;

    /** expectedInputDim 0 accepts any dimension. Signatures are not checked. */
    public ModelLoader(PairScorerFactory scorers, int expectedInputDim, Clock clock) {
        this(scorers, expectedInputDim, clock, TrustPolicy.off());
    }

    public ModelLoader(PairScorerFactory scorers, int expectedInputDim, Clock clock, TrustPolicy trust) {
        this(scorers, expectedInputDim, clock, trust, new ReferenceFetcher(ReferenceFetcher.Settings.DEFAULT, e -> { }));
    }

    /** references: how REFERENCE records are read (bounds and retries). */
    public ModelLoader(PairScorerFactory scorers, int expectedInputDim, Clock clock, TrustPolicy trust,
                       ReferenceFetcher references) {
        this.scorers = scorers;
        this.expectedInputDim = expectedInputDim;
        this.clock = clock;
        this.trust = trust;
        this.references = references;
    }

    public LoadedModel load(ModelRecord record) throws ModelRejectedException {
        return load(record, 0);
    }

    /**
     * servingInputDim: the dimension of the model serving now (0 = none). A model of another
     * dimension would dead-letter every pair sized for the serving one, so it is refused unless
     * its record says the change is deliberate. A MANIFEST needs its chunks: see
     * {@link #load(ModelRecord, int, ChunkStream.Chunks)}.
     */
    public LoadedModel load(ModelRecord record, int servingInputDim) throws ModelRejectedException {
        return load(record, servingInputDim, null);
    }

    /**
     * Loads a record of any kind: MODEL from its own bytes, MANIFEST from chunks (read one at a
     * time, each checked), REFERENCE from its uri (see {@link ReferenceFetcher}). The artifact is
     * verified whole (SHA-256, checksum, signature, shapes) before a model is returned; a MANIFEST or
     * REFERENCE is parsed as it streams, never held as one byte[] beside its floats.
     */
    public LoadedModel load(ModelRecord record, int servingInputDim, ChunkStream.Chunks chunks)
            throws ModelRejectedException {
        if (record.getSha256() == null || record.getName() == null) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "record lacks sha256 or name");
        }
        if (record.getVersion() < 1) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "version " + record.getVersion() + " is not positive");
        }
        RecordKind kind = RecordKind.of(record);
        if (kind == null || kind == RecordKind.CHUNK) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "a record of kind '" + record.getKind()
                    + "' is not a model");
        }
        return switch (kind) {
            case MANIFEST -> loadManifest(record, servingInputDim, chunks);
            case REFERENCE -> loadReference(record, servingInputDim);
            default -> loadModel(record, servingInputDim);
        };
    }

    private LoadedModel loadModel(ModelRecord record, int servingInputDim) throws ModelRejectedException {
        if (record.getArtifact() == null) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "record lacks its artifact");
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
        Verification verification = trust.check(bytes, artifact, describe(record), actualSha);
        return accept(record, artifact, actualSha, verification, servingInputDim);
    }

    private LoadedModel loadManifest(ModelRecord record, int servingInputDim, ChunkStream.Chunks chunks)
            throws ModelRejectedException {
        String bad = ChunkStream.problemWith(record);
        if (bad != null) {
            throw new ModelRejectedException(Reason.BAD_RECORD, bad);
        }
        if (chunks == null) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "a manifest needs its chunks, and none were given");
        }
        try (ChunkStream in = new ChunkStream(record, chunks)) {
            return loadStreamed(record, in, servingInputDim);
        } catch (ChunkStream.Problem e) {
            throw new ModelRejectedException(e.reason(), e.getMessage());
        } catch (IOException e) {
            throw new ModelRejectedException(Reason.CHUNK_MISSING, "could not read the chunks: " + e);
        }
    }

    private LoadedModel loadReference(ModelRecord record, int servingInputDim) throws ModelRejectedException {
        if (record.getUri() == null || record.getUri().isBlank()) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "a reference without a uri");
        }
        if (record.getTotalBytes() <= 0) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "a reference needs the artifact's size (totalBytes)");
        }
        return references.fetch(record.getUri(), record.getTotalBytes(), in -> loadStreamed(record, in, servingInputDim));
    }

    /** Parses the artifact as it streams in, then checks it whole; IOExceptions of in pass through. */
    private LoadedModel loadStreamed(ModelRecord record, InputStream in, int servingInputDim)
            throws IOException, ModelRejectedException {
        StreamedArtifact read;
        try {
            read = StreamedArtifact.read(in, record.getTotalBytes());
        } catch (InvalidModelException e) {
            throw new ModelRejectedException(Reason.CORRUPT_ARTIFACT, e.getMessage());
        }
        if (!read.sha256().equalsIgnoreCase(record.getSha256())) {
            throw new ModelRejectedException(Reason.SHA_MISMATCH, "record says " + record.getSha256()
                    + ", the artifact's " + read.size() + " bytes hash to " + read.sha256());
        }
        if (read.size() != record.getTotalBytes()) {
            throw new ModelRejectedException(Reason.SHA_MISMATCH, "record says " + record.getTotalBytes()
                    + " bytes, the artifact has " + read.size());
        }
        Verification verification = trust.checkDigest(read.contentDigest(), read.artifact(), describe(record),
                read.sha256());
        return accept(record, read.artifact(), read.sha256(), verification, servingInputDim);
    }

    private static String describe(ModelRecord record) {
        return "model '" + record.getName() + "' v" + record.getVersion();
    }

    /** The checks every kind shares once the artifact is read and its signature looked at. */
    private LoadedModel accept(ModelRecord record, ModelArtifact artifact, String actualSha, Verification verification,
                               int servingInputDim) throws ModelRejectedException {
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
