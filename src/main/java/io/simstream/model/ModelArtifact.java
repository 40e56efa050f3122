package io.simstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The self-contained model: everything needed to score a pair, and what is known about how it
 * was made. It travels as one Kafka record, so it reads from and writes to a byte[].
 *
 * <p>Layout: magic "SIMSTRM" + format byte, int header length, UTF-8 JSON header (metadata and
 * shapes), the float arrays little-endian (normalizer mean, scale, each encoder layer W then b,
 * the head layer if any), then a 32-byte SHA-256 of everything before it. The trailer makes a
 * truncated or corrupted artifact fail loudly instead of scoring garbage.
 *
 * <p>An ensemble (several encoders trained with different seeds, {@link EncoderMember}) is
 * format 2: the header lists the members' shapes and their arrays follow one member after the
 * other. A single-encoder model is still written as format 1, byte for byte what earlier builds
 * wrote and read, so a rolling upgrade can serve it on old and new instances alike.
 *
 * <p>The header may also hold the artifact's provenance (what made it) and its signatures (over
 * the {@link ModelDigest content digest}); both are written only when present, so an unsigned
 * model without provenance is still byte for byte what earlier builds wrote. Header fields this
 * build does not know are kept and written back, so an artifact read and republished by this
 * build loses nothing a newer one put there (nor the signature over it).
 */
public final class ModelArtifact {
    /** The newest format this build writes (for ensembles) and reads. */
    public static final int FORMAT_VERSION = 2;
    private static final int SINGLE_ENCODER_FORMAT = 1;
    static final byte[] MAGIC = {'S', 'I', 'M', 'S', 'T', 'R', 'M'};
    static final int SHA_LEN = 32;
    /** Bound on the header a reader allocates for before it has seen the rest. */
    static final int MAX_HEADER_BYTES = 64 << 20;
    /** The header fields this build reads into typed values; any other is kept as it came. */
    private static final Set<String> KNOWN_HEADER_FIELDS = Set.of("format", "name", "version", "createdAt", "head",
            "inputDim", "threshold", "margin", "encoder", "headLayer", "members", "inputScaling", "trainingMetrics",
            "provenance", "signatures", "driftReference");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final long version;
    private final Instant createdAt;
    private final Head head;
    private final float threshold;
    private final float margin;
    private final Normalizer normalizer;
    private final List<EncoderMember> members;
    private final String inputScaling;
    private final JsonNode trainingMetrics;
    private final JsonNode provenance;
    private final List<ArtifactSignature> signatures;
    private final ObjectNode otherHeaderFields;
    private final JsonNode driftReference;

    private ModelArtifact(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.version = b.version;
        this.createdAt = Objects.requireNonNull(b.createdAt, "createdAt");
        this.head = Objects.requireNonNull(b.head, "head");
        this.threshold = b.threshold;
        this.margin = b.margin;
        this.normalizer = Objects.requireNonNull(b.normalizer, "normalizer");
        this.members = b.members != null ? List.copyOf(b.members) : List.of(new EncoderMember(b.encoder, b.headLayer));
        this.inputScaling = b.inputScaling;
        this.trainingMetrics = b.trainingMetrics == null ? JSON.createObjectNode() : b.trainingMetrics;
        this.provenance = b.provenance == null || b.provenance.isNull() ? null : b.provenance;
        this.signatures = b.signatures == null ? List.of() : List.copyOf(b.signatures);
        this.otherHeaderFields = b.otherHeaderFields == null ? JSON.createObjectNode() : b.otherHeaderFields.deepCopy();
        this.driftReference = b.driftReference == null || b.driftReference.isNull() ? null : b.driftReference;
        validateShapes();
    }

    private void validateShapes() {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("model has no encoder");
        }
        for (int m = 0; m < members.size(); m++) {
            try {
                validateMember(members.get(m));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(members.size() == 1 ? e.getMessage()
                        : "ensemble member " + m + ": " + e.getMessage(), e);
            }
        }
        if (!Float.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold is not finite");
        }
    }

    private void validateMember(EncoderMember member) {
        List<DenseLayer> encoder = member.encoder();
        DenseLayer headLayer = member.headLayer();
        if (encoder.isEmpty()) {
            throw new IllegalArgumentException("encoder has no layers");
        }
        int in = normalizer.dim();
        for (int i = 0; i < encoder.size(); i++) {
            DenseLayer l = encoder.get(i);
            if (l.in() != in) {
                throw new IllegalArgumentException("encoder layer " + i + " expects " + l.in() + " inputs, gets " + in);
            }
            in = l.out();
        }
        if (head == Head.BCE) {
            if (headLayer == null || headLayer.in() != in || headLayer.out() != 1) {
                throw new IllegalArgumentException("bce head needs a Dense(" + in + " -> 1) layer");
            }
        } else if (headLayer != null) {
            throw new IllegalArgumentException("contrastive head has no head layer");
        }
    }

    public String name() { return name; }
    public long version() { return version; }
    public Instant createdAt() { return createdAt; }
    public Head head() { return head; }
    public float threshold() { return threshold; }
    public float margin() { return margin; }
    public Normalizer normalizer() { return normalizer; }
    /** The (first) encoder; an ensemble's others are in {@link #members()}. */
    public List<DenseLayer> encoder() { return members.get(0).encoder(); }
    /** The (first) BCE head's Dense(embedding -> 1) layer; null for the contrastive head. */
    public DenseLayer headLayer() { return members.get(0).headLayer(); }
    public List<EncoderMember> members() { return members; }
    public int ensembleSize() { return members.size(); }
    /** How the training inputs were scaled ("global", "per-column"), or null when the artifact does not say. */
    public String inputScaling() { return inputScaling; }

    /** Member {@code i} as a single-encoder model with this model's normalizer, head and threshold. */
    public ModelArtifact member(int i) {
        EncoderMember m = members.get(i);
        return toBuilder().members(null).encoder(m.encoder()).headLayer(m.headLayer()).build();
    }
    public JsonNode trainingMetrics() { return trainingMetrics; }
    /**
     * What the model's scores and inputs looked like on pairs it did not train on (io.simstream.drift
     * reads it), or null when the artifact carries none (made before drift detection, or by hand).
     */
    public JsonNode driftReference() { return driftReference; }
    public int inputDim() { return normalizer.dim(); }
    public int embeddingDim() { return members.get(0).embeddingDim(); }

    /** The widest activation vector of the forward pass (input included): scratch-buffer size for kernels. */
    public int widestLayer() {
        int widest = inputDim();
        for (EncoderMember m : members) {
            for (DenseLayer l : m.encoder()) {
                widest = Math.max(widest, l.out());
            }
        }
        return widest;
    }

    public int parameterCount() {
        int n = 0;
        for (EncoderMember m : members) {
            for (DenseLayer l : m.encoder()) {
                n += l.weights().length + l.bias().length;
            }
            if (m.headLayer() != null) {
                n += m.headLayer().weights().length + 1;
            }
        }
        return n;
    }

    /** What made the model (training data, code, settings, gate evidence), or null when it does not say. */
    public JsonNode provenance() { return provenance; }
    /** Signatures over {@link #contentDigest()}; empty when unsigned. */
    public List<ArtifactSignature> signatures() { return signatures; }
    /** Header fields this build does not interpret, kept so that a rewrite loses none of them. */
    public ObjectNode otherHeaderFields() { return otherHeaderFields.deepCopy(); }

    /** The key ids of the signatures, comma-separated; null when unsigned. */
    public String signerKeyIds() {
        return signatures.isEmpty() ? null
                : String.join(",", signatures.stream().map(ArtifactSignature::keyId).toList());
    }

    /**
     * A builder holding everything but the signatures: what is built from it may differ in content,
     * and a signature that no longer matches is worse than none. {@link #withName}, {@link #withVersion}
     * and {@link #withSignature} keep them (they do not change what is signed).
     */
    public Builder toBuilder() {
        return new Builder().name(name).version(version).createdAt(createdAt).head(head)
                .threshold(threshold).margin(margin).normalizer(normalizer).members(members)
                .inputScaling(inputScaling).trainingMetrics(trainingMetrics).provenance(provenance)
                .otherHeaderFields(otherHeaderFields).driftReference(driftReference);
    }

    public ModelArtifact withVersion(long newVersion) {
        return toBuilder().version(newVersion).signatures(signatures).build();
    }

    public ModelArtifact withName(String newName) {
        return toBuilder().name(newName).signatures(signatures).build();
    }

    /** This artifact with sig added, replacing an earlier signature by the same key. */
    public ModelArtifact withSignature(ArtifactSignature sig) {
        List<ArtifactSignature> all = new ArrayList<>();
        signatures.stream().filter(s -> !s.keyId().equals(sig.keyId())).forEach(all::add);
        all.add(sig);
        return toBuilder().signatures(all).build();
    }

    /** The digest a signature covers (see {@link ModelDigest}): the same for any name and version. */
    public byte[] contentDigest() {
        try {
            return ModelDigest.of(toBytes());
        } catch (InvalidModelException e) {
            throw new IllegalStateException("an artifact this build wrote does not parse: " + e.getMessage(), e);
        }
    }

    // ---- serialization ----

    public byte[] toBytes() {
        int format = members.size() == 1 ? SINGLE_ENCODER_FORMAT : FORMAT_VERSION;
        ObjectNode header = JSON.createObjectNode();
        header.put("format", format);
        header.put("name", name);
        header.put("version", version);
        header.put("createdAt", createdAt.toString());
        header.put("head", head.id());
        header.put("inputDim", inputDim());
        header.put("threshold", threshold);
        header.put("margin", margin);
        if (format == SINGLE_ENCODER_FORMAT) {
            putShapes(header, members.get(0));
        } else {
            ArrayNode shapes = header.putArray("members");
            members.forEach(m -> putShapes(shapes.addObject(), m));
        }
        if (inputScaling != null) {
            header.put("inputScaling", inputScaling);
        }
        header.set("trainingMetrics", trainingMetrics);
        if (driftReference != null) {
            header.set("driftReference", driftReference);
        }
        if (provenance != null) {
            header.set("provenance", provenance);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = otherHeaderFields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!header.has(f.getKey())) {
                header.set(f.getKey(), f.getValue());
            }
        }
        if (!signatures.isEmpty()) {
            ArrayNode sigs = header.putArray("signatures");
            signatures.forEach(s -> sigs.addObject().put("keyId", s.keyId()).put("algorithm", s.algorithm())
                    .put("signature", s.signature()));
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode header", e);
        }
        int floats = 2 * inputDim() + parameterCount();
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 1 + 4 + headerBytes.length + 4 * floats + SHA_LEN)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) format).putInt(headerBytes.length).put(headerBytes);
        putFloats(buf, normalizer.mean());
        putFloats(buf, normalizer.scale());
        for (EncoderMember m : members) {
            for (DenseLayer l : m.encoder()) {
                putFloats(buf, l.weights());
                putFloats(buf, l.bias());
            }
            if (m.headLayer() != null) {
                putFloats(buf, m.headLayer().weights());
                putFloats(buf, m.headLayer().bias());
            }
        }
        byte[] out = buf.array();
        byte[] digest = sha256(out, 0, out.length - SHA_LEN);
        System.arraycopy(digest, 0, out, out.length - SHA_LEN, SHA_LEN);
        return out;
    }

    public static ModelArtifact fromBytes(byte[] bytes) throws InvalidModelException {
        if (bytes == null || bytes.length < MAGIC.length + 1 + 4 + SHA_LEN) {
            throw new InvalidModelException("artifact too short (" + (bytes == null ? 0 : bytes.length) + " bytes)");
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new InvalidModelException("not a simstream model (bad magic)");
        }
        int format = bytes[MAGIC.length];
        checkFormat(format);
        byte[] expected = sha256(bytes, 0, bytes.length - SHA_LEN);
        if (!Arrays.equals(expected, 0, SHA_LEN, bytes, bytes.length - SHA_LEN, bytes.length)) {
            throw new InvalidModelException("artifact checksum mismatch (corrupted or truncated)");
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes, 0, bytes.length - SHA_LEN).order(ByteOrder.LITTLE_ENDIAN);
            buf.position(MAGIC.length + 1);
            int headerLen = buf.getInt();
            if (headerLen <= 0 || headerLen > buf.remaining()) {
                throw new InvalidModelException("bad header length " + headerLen);
            }
            byte[] headerBytes = new byte[headerLen];
            buf.get(headerBytes);
            JsonNode h = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
            ModelArtifact artifact = fromParts(format, h, new FloatSource() {
                @Override
                public float[] next(int n) {
                    return getFloats(buf, n);
                }

                @Override
                public long remainingBytes() {
                    return buf.remaining();
                }
            });
            if (buf.hasRemaining()) {
                throw new InvalidModelException(buf.remaining() + " unexpected trailing bytes");
            }
            return artifact;
        } catch (InvalidModelException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            throw new InvalidModelException("malformed artifact: " + e, e);
        }
    }

    static void checkFormat(int format) throws InvalidModelException {
        if (format != SINGLE_ENCODER_FORMAT && format != FORMAT_VERSION) {
            throw new InvalidModelException("unsupported artifact format " + format
                    + " (this build reads " + SINGLE_ENCODER_FORMAT + " and " + FORMAT_VERSION + ")");
        }
    }

    /** Where the body's float arrays come from, in artifact order (a byte[] or a stream of pieces). */
    interface FloatSource {
        float[] next(int n) throws IOException;

        /** Body bytes still to come (before the trailer): bounds what a header may make a reader allocate. */
        long remainingBytes();
    }

    /** The artifact from its parsed header and its body's floats (the caller checks the trailer). */
    static ModelArtifact fromParts(int format, JsonNode h, FloatSource floats) throws InvalidModelException, IOException {
        int dim = h.get("inputDim").asInt();
        Builder b = new Builder()
                .name(h.get("name").asText())
                .version(h.get("version").asLong())
                .createdAt(Instant.parse(h.get("createdAt").asText()))
                .head(Head.parse(h.get("head").asText()))
                .threshold((float) h.get("threshold").asDouble())
                .margin((float) h.get("margin").asDouble())
                .trainingMetrics(h.get("trainingMetrics"));
        JsonNode scaling = h.get("inputScaling");
        b.inputScaling(scaling == null || scaling.isNull() ? null : scaling.asText());
        b.provenance(h.get("provenance")).signatures(readSignatures(h.get("signatures")));
        ObjectNode others = JSON.createObjectNode();
        h.fields().forEachRemaining(f -> {
            if (!KNOWN_HEADER_FIELDS.contains(f.getKey())) {
                others.set(f.getKey(), f.getValue());
            }
        });
        b.otherHeaderFields(others);
        b.driftReference(h.get("driftReference"));
        if (dim <= 0 || 8L * dim > floats.remainingBytes()) {
            throw new InvalidModelException("input dimension " + dim + " does not fit the artifact");
        }
        b.normalizer(new Normalizer(floats.next(dim), floats.next(dim)));
        List<EncoderMember> members = new ArrayList<>();
        if (format == SINGLE_ENCODER_FORMAT) {
            members.add(readMember(floats, h));
        } else {
            for (JsonNode m : h.get("members")) {
                members.add(readMember(floats, m));
            }
        }
        b.members(members);
        return b.build();
    }

    private static List<ArtifactSignature> readSignatures(JsonNode node) throws InvalidModelException {
        List<ArtifactSignature> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new InvalidModelException("header field 'signatures' is not a list");
        }
        for (JsonNode s : node) {
            try {
                out.add(new ArtifactSignature(s.path("keyId").asText(null), s.path("algorithm").asText(null),
                        s.path("signature").asText(null)));
            } catch (IllegalArgumentException e) {
                throw new InvalidModelException("malformed signature in the header: " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * The header of a serialized artifact, parsed without reading (or checking) the rest: for
     * listings that only need what it says (signers, provenance).
     */
    public static JsonNode header(byte[] bytes) throws InvalidModelException {
        return ModelDigest.Layout.of(bytes).header();
    }

    public static ModelArtifact read(Path path) throws IOException, InvalidModelException {
        return fromBytes(Files.readAllBytes(path));
    }

    public void write(Path path) throws IOException {
        Files.write(path, toBytes());
    }

    /** Hex SHA-256 of the serialized artifact: what the model record carries and the service checks. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes, 0, bytes.length));
    }

    private static void putShapes(ObjectNode node, EncoderMember m) {
        ArrayNode layers = node.putArray("encoder");
        for (DenseLayer l : m.encoder()) {
            layers.addObject().put("in", l.in()).put("out", l.out()).put("activation", "relu");
        }
        if (m.headLayer() != null) {
            node.putObject("headLayer").put("in", m.headLayer().in()).put("out", m.headLayer().out());
        }
    }

    private static EncoderMember readMember(FloatSource floats, JsonNode shapes) throws IOException {
        List<DenseLayer> layers = new ArrayList<>();
        for (JsonNode l : shapes.get("encoder")) {
            layers.add(readLayer(floats, l));
        }
        JsonNode hl = shapes.get("headLayer");
        return new EncoderMember(layers, hl != null && !hl.isNull() ? readLayer(floats, hl) : null);
    }

    private static DenseLayer readLayer(FloatSource floats, JsonNode shape) throws IOException {
        int in = shape.get("in").asInt();
        int out = shape.get("out").asInt();
        if (in <= 0 || out <= 0 || (long) in * out * 4 > floats.remainingBytes()) {
            throw new IllegalArgumentException("layer " + in + "x" + out + " does not fit the artifact");
        }
        return new DenseLayer(in, out, floats.next(in * out), floats.next(out));
    }

    private static void putFloats(ByteBuffer buf, float[] values) {
        buf.asFloatBuffer().put(values);
        buf.position(buf.position() + 4 * values.length);
    }

    private static float[] getFloats(ByteBuffer buf, int n) {
        float[] out = new float[n];
        buf.asFloatBuffer().get(out);
        buf.position(buf.position() + 4 * n);
        return out;
    }

    private static byte[] sha256(byte[] bytes, int from, int to) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, from, to - from);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    @Override
    public String toString() {
        return "model " + name + " v" + version + " (" + head.id() + ", dim " + inputDim()
                + (members.size() > 1 ? ", ensemble of " + members.size() : "") + ", threshold " + threshold + ")";
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String name = "default";
        private long version = 1;
        private Instant createdAt = Instant.now();
        private Head head = Head.CONTRASTIVE;
        private float threshold = 0.5f;
        private float margin = 1f;
        private Normalizer normalizer;
        private List<DenseLayer> encoder = List.of();
        private DenseLayer headLayer;
        private List<EncoderMember> members;
        private String inputScaling;
        private JsonNode trainingMetrics;
        private JsonNode provenance;
        private List<ArtifactSignature> signatures;
        private ObjectNode otherHeaderFields;
        private JsonNode driftReference;

        public Builder name(String v) { name = v; return this; }
        public Builder version(long v) { version = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder head(Head v) { head = v; return this; }
        public Builder threshold(float v) { threshold = v; return this; }
        public Builder margin(float v) { margin = v; return this; }
        public Builder normalizer(Normalizer v) { normalizer = v; return this; }
        public Builder encoder(List<DenseLayer> v) { encoder = v; return this; }
        public Builder headLayer(DenseLayer v) { headLayer = v; return this; }
        /** All encoders of an ensemble; when set, {@link #encoder} and {@link #headLayer} are ignored. */
        public Builder members(List<EncoderMember> v) { members = v; return this; }
        public Builder inputScaling(String v) { inputScaling = v; return this; }
        public Builder trainingMetrics(JsonNode v) { trainingMetrics = v; return this; }
        public Builder provenance(JsonNode v) { provenance = v; return this; }
        public Builder signatures(List<ArtifactSignature> v) { signatures = v; return this; }
        /** Header fields this build does not interpret (see {@link #otherHeaderFields()}). */
        public Builder otherHeaderFields(ObjectNode v) { otherHeaderFields = v; return this; }
        /** The drift reference (io.simstream.drift.DriftReference#toJson), or null for none. */
        public Builder driftReference(JsonNode v) { driftReference = v; return this; }

        public ModelArtifact build() {
            return new ModelArtifact(this);
        }
    }
}
