package io.simstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One byte sequence per JSON value, whatever order its fields were written in: object keys sorted
 * (recursively), no whitespace, UTF-8. A signature over a header must survive the header being
 * parsed and written again (publish re-stamps name and version, rollback republishes), and
 * Jackson keeps fields in insertion order, which a rewrite may change.
 *
 * <p>Numbers are written as Jackson writes the node it parsed (a double as Double.toString), so
 * canonicalize a tree read from bytes, never one built from Java floats: a float written once and
 * read back as a double is the stable form.
 */
public final class CanonicalJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CanonicalJson() {
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(sorted(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write canonical JSON", e);
        }
    }

    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }
}
