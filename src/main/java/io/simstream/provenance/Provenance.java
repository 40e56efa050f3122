package io.simstream.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What made a model, as the JSON its artifact header carries under "provenance" (covered by its
 * signature): {"madeBy": "train" | "retrain", "code": {version, commit, dirty}, "data": {...},
 * "settings": {...}} and, for a retrained model, "gate" (the evidence the promotion gate judged).
 * Only file names are recorded, never a machine's paths.
 */
public final class Provenance {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Provenance() {
    }

    public static ObjectNode of(String madeBy, ObjectNode data, JsonNode settings) {
        ObjectNode p = JSON.createObjectNode();
        p.put("madeBy", madeBy);
        p.set("code", code(BuildInfo.current()));
        p.set("data", data);
        p.set("settings", settings);
        return p;
    }

    /** What `train` records: its CSV files (the test file is evaluated, not trained on) and its settings. */
    public static ObjectNode ofTraining(Path trainFile, int trainRows, Path testFile, int testRows, Object settings) {
        ObjectNode data = object();
        data.set("training", csv(trainFile, trainRows));
        if (testFile != null) {
            data.set("test", csv(testFile, testRows));
        }
        return of("train", data, settings(settings));
    }

    static ObjectNode code(BuildInfo build) {
        return JSON.createObjectNode().put("version", build.version()).put("commit", build.commit())
                .put("dirty", build.dirty());
    }

    /** A CSV file by name, SHA-256 of its bytes, size and the pairs read from it. */
    public static ObjectNode csv(Path file, int rows) {
        MessageDigest sha = sha256();
        long bytes = 0;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                bytes += n;
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + " to record its digest: " + e.getMessage(), e);
        }
        return JSON.createObjectNode().put("kind", "csv").put("file", String.valueOf(file.getFileName()))
                .put("sha256", HexFormat.of().formatHex(sha.digest())).put("bytes", bytes).put("rows", rows);
    }

    /** A settings object (a record of values) as JSON, field by field. */
    public static ObjectNode settings(Object values) {
        return JSON.valueToTree(values);
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** "data.training.file: train.csv" lines, in the order the JSON holds them: for `models show`. */
    public static List<String> lines(JsonNode provenance) {
        List<String> out = new ArrayList<>();
        if (provenance != null && !provenance.isNull()) {
            flatten("", provenance, out);
        }
        return out;
    }

    private static void flatten(String path, JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                flatten(path.isEmpty() ? f.getKey() : path + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isContainerNode()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.add(path + ": " + (node.isValueNode() ? node.asText() : node.toString()));
        }
    }
}
