package io.simstream.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Registers schemas the way a team on Confluent's clients does, with Confluent's Python client
 * (Debian's python3-confluent-kafka, see scripts/install-test-deps.sh), as compact JSON: a text
 * that differs from our .avsc bytes but is the same schema.
 */
public final class PythonSchemaRegistry {
    private static final String PYTHON = System.getenv().getOrDefault("SIMSTREAM_PYTHON", "/usr/bin/python3");

    private PythonSchemaRegistry() {
    }

    /** The global id the registry gave. */
    public static int register(String registryUrl, String subject, String schemaText) throws Exception {
        Path text = Files.createTempFile("schema", ".avsc");
        try {
            Files.writeString(text, schemaText);
            String script = "import json,sys\n"
                    + "from confluent_kafka.schema_registry import SchemaRegistryClient, Schema\n"
                    + "c = SchemaRegistryClient({'url': sys.argv[1]})\n"
                    + "s = json.dumps(json.load(open(sys.argv[3])), separators=(',', ':'))\n"
                    + "print(c.register_schema(sys.argv[2], Schema(s, 'AVRO')))\n";
            Process p = new ProcessBuilder(PYTHON, "-c", script, registryUrl, subject, text.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python register failed: " + out);
            return Integer.parseInt(out.substring(out.lastIndexOf('\n') + 1).trim());
        } finally {
            Files.deleteIfExists(text);
        }
    }

    /** The file schemas/{name}.avsc registered under subject. */
    public static int registerFile(String registryUrl, String subject, String name) throws Exception {
        return register(registryUrl, subject, Files.readString(Path.of("schemas", name + ".avsc")));
    }
}
