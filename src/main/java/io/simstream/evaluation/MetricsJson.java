package io.simstream.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes metrics.json (pretty, so a human can read it) and builds its common parts. */
public final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {
    }

    public static ArrayNode epochs(List<EpochRecord> history) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (EpochRecord e : history) {
            a.addObject().put("epoch", e.epoch()).put("trainLoss", e.trainLoss()).put("validationLoss", e.validationLoss())
                    .put("trainAccuracy", e.trainAccuracy()).put("validationAccuracy", e.validationAccuracy())
                    .put("validationAuc", e.validationAuc()).put("seconds", e.seconds())
                    .put("fitSeconds", e.fitSeconds());
        }
        return a;
    }

    public static void write(ObjectNode metrics, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), metrics);
    }

    public static String toPrettyString(ObjectNode metrics) throws IOException {
        return JSON.writeValueAsString(metrics);
    }
}
