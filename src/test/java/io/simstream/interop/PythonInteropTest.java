package io.simstream.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegisteredSchema;
import io.simstream.registry.SchemaTexts;
import io.simstream.testkit.SampleRecords;
import io.simstream.testkit.SharedRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our registry client and serde against third-party implementations of the same protocol:
 * Confluent's Python SchemaRegistryClient (python3-confluent-kafka) and the Apache Avro Python
 * library (python3-avro), both talking to the same real registry. Missing Python modules are a
 * failure, not a skip: CI installs them with scripts/install-test-deps.sh.
 */
class PythonInteropTest {
    /** Debian's interpreter: a pyenv python3 on PATH does not see Debian's dist-packages. */
    private static final String PYTHON = System.getenv().getOrDefault("SIMSTREAM_PYTHON", "/usr/bin/python3");
    private static final long TIMEOUT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path script;

    @BeforeAll
    static void pythonClientsPresent() throws IOException {
        String advice = "the interop test needs python3-confluent-kafka, python3-avro and python3-requests for " + PYTHON
                + "; run scripts/install-test-deps.sh (as root). ";
        Result probe;
        try {
            probe = run(List.of(PYTHON, "-c", "import confluent_kafka.schema_registry, avro.io"), "");
        } catch (IOException e) {
            throw new AssertionError(advice + "Cannot run it: " + e.getMessage(), e);
        }
        if (probe.exitCode != 0) {
            fail(advice + "Python said: " + probe.stderr.strip());
        }
        script = Files.createTempFile("registry_interop", ".py");
        script.toFile().deleteOnExit();
        try (InputStream in = PythonInteropTest.class.getResourceAsStream("/interop/registry_interop.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result run(List<String> command, String stdin) throws IOException {
        Process p = new ProcessBuilder(command).start();
        // Read both streams concurrently so a chatty child cannot block on a full pipe.
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                    new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("running " + command + " failed: " + e, e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            return ("(cannot read: " + e + ")").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Runs one command of registry_interop.py against the shared registry. */
    private static JsonNode python(String stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.add(args[0]);
        cmd.add(SharedRegistry.url());
        cmd.addAll(List.of(args).subList(1, args.length));
        Result r = run(cmd, stdin);
        if (r.exitCode != 0) {
            fail("python " + String.join(" ", args) + " failed (exit " + r.exitCode + "):\n" + r.stderr);
        }
        return JSON.readTree(r.stdout);
    }

    private static String avsc(String name) throws IOException {
        return Files.readString(Path.of("schemas", name + ".avsc"));
    }

    @Test
    void whatPythonRegistersOurClientFindsUnderTheSameId() throws IOException {
        String subject = SharedRegistry.unique("py-reg") + "-value";
        String text = avsc("VectorPair");
        int pythonId = python(text, "register", subject).get("id").asInt();

        ConfluentRegistryClient ours = SharedRegistry.newClient();
        Schema schema = new Schema.Parser().parse(text);
        assertEquals(pythonId, ours.lookupId(subject, schema));
        assertEquals(schema, ours.schemaById(pythonId));
        RegisteredSchema latest = ours.latest(subject);
        assertEquals(1, latest.version());
        assertEquals(pythonId, latest.id());
        assertEquals(pythonId, ours.register(subject, schema), "registering the same schema again is idempotent across clients");
    }

    @Test
    void whatOurClientRegistersPythonFindsUnderTheSameId() throws IOException {
        String subject = SharedRegistry.unique("java-reg") + "-value";
        Schema schema = PairDecision.getClassSchema();
        int ourId = SharedRegistry.newClient().register(subject, schema);

        // We register the .avsc text itself (not the generated class's schema with avro.java.string).
        String registered = SchemaTexts.canonical(schema);
        JsonNode found = python(registered, "lookup", subject);
        assertEquals(ourId, found.get("id").asInt());
        assertEquals(1, found.get("version").asInt());
        assertEquals(subject, found.get("subject").asText());
        // Apicurio hands the text back re-serialized; the bytes we send are checked in ConfluentCompatibilityIntegrationTest.
        assertEquals(new Schema.Parser().parse(registered),
                new Schema.Parser().parse(python("", "get", Integer.toString(ourId)).get("schema").asText()));
    }

    @Test
    void pythonAvroDecodesWhatOurSerdeWrites() throws IOException {
        String topic = SharedRegistry.unique("py-decode");
        VectorPair pair = SampleRecords.vectorPair("vp-1");
        byte[] bytes = new AvroSerde<VectorPair>(SharedRegistry.newClient(), VectorPair.getClassSchema(), false, true).serialize(topic, pair);

        JsonNode decoded = python(HexFormat.of().formatHex(bytes), "decode");
        assertEquals(AvroSerde.schemaIdOf(bytes), decoded.get("schema_id").asInt());
        JsonNode r = decoded.get("record");
        assertEquals("vp-1", r.get("id").asText());
        assertEquals(pair.getLeft(), floats(r.get("left")));
        assertEquals(pair.getRight(), floats(r.get("right")));
        assertEquals(pair.getEventTime().toEpochMilli(), r.get("eventTime").asLong());
        assertEquals(pair.getAttributes(), JSON.convertValue(r.get("attributes"), Map.class));

        DeadLetter dl = SampleRecords.deadLetter("dl-key");
        byte[] dlBytes = new AvroSerde<DeadLetter>(SharedRegistry.newClient(), DeadLetter.getClassSchema(), false, true).serialize(topic + "-dlq", dl);
        JsonNode d = python(HexFormat.of().formatHex(dlBytes), "decode").get("record");
        assertArrayEquals("dl-key".getBytes(StandardCharsets.UTF_8), HexFormat.of().parseHex(d.get("originalKey").asText()));
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xff}, HexFormat.of().parseHex(d.get("originalValue").asText()));
        assertEquals(123_456_789_012L, d.get("sourceOffset").asLong());
        assertEquals(dl.getReason(), d.get("reason").asText());
    }

    private static List<Float> floats(JsonNode array) {
        List<Float> out = new ArrayList<>();
        array.forEach(n -> out.add((float) n.asDouble()));
        return out;
    }

    @Test
    void ourSerdeReadsWhatPythonAvroWrites() throws IOException {
        String topic = SharedRegistry.unique("py-encode");
        ObjectNode request = JSON.createObjectNode();
        request.put("schema", avsc("VectorPair"));
        ObjectNode record = request.putObject("record");
        record.put("id", "from-python");
        record.putArray("left").add(0.5).add(-2.0).add(16.25);
        record.putArray("right").add(1.0).add(0.0).add(-0.125);
        record.put("eventTime", 1_767_000_000_999L);
        record.putObject("attributes").put("writer", "python3-avro");
        JsonNode written = python(JSON.writeValueAsString(request), "encode", topic + "-value");
        byte[] bytes = HexFormat.of().parseHex(written.get("hex").asText());
        assertEquals(written.get("id").asInt(), AvroSerde.schemaIdOf(bytes));

        AvroSerde<VectorPair> reader = new AvroSerde<>(SharedRegistry.newClient(), VectorPair.getClassSchema(), false, false);
        VectorPair read = reader.deserializer().deserialize(topic, bytes);
        assertEquals("from-python", read.getId());
        assertEquals(List.of(0.5f, -2.0f, 16.25f), read.getLeft());
        assertEquals(List.of(1.0f, 0.0f, -0.125f), read.getRight());
        assertEquals(1_767_000_000_999L, read.getEventTime().toEpochMilli());
        assertEquals(Map.of("writer", "python3-avro"), read.getAttributes());
    }
}
