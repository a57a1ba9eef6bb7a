package dev.densify.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * JSON for task directories, written the same way every time: object keys sorted (recursively),
 * two-space indentation, "\n" line ends, a final newline, UTF-8. So equal trees give equal bytes
 * on every platform, which the determinism promise of prepared tasks relies on.
 */
public final class TaskJson {


    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        WRITER = Json.MAPPER.writer(printer);
    }

    private TaskJson() {
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    /** The canonical bytes of a tree: sorted keys, pretty-printed, "\n" line ends, final newline. */
    public static byte[] bytes(JsonNode node) {
        try {
            String text = WRITER.writeValueAsString(sorted(node)) + "\n";
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** Reads a JSON file; the message of a failure names the file. */
    public static JsonNode read(Path file) throws IOException {
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (node == null || node.isMissingNode()) {
                throw new IOException(file + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A deep copy with every object's keys in sorted order. */
    public static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode out = Json.MAPPER.createObjectNode();
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                out.add(sorted(it.next()));
            }
            return out;
        }
        return node;
    }

    /**
     * The leaf paths where two trees differ ("sft.steps: 300 vs 400"), at most {@code limit};
     * empty when they are equal.
     */
    public static List<String> differences(JsonNode a, JsonNode b, int limit) {
        List<String> out = new ArrayList<>();
        diff("", a, b, out, limit);
        return out;
    }

    private static void diff(String path, JsonNode a, JsonNode b, List<String> out, int limit) {
        if (out.size() >= limit) {
            return;
        }
        if (a != null && b != null && a.isObject() && b.isObject()) {
            List<String> names = new ArrayList<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(n -> {
                if (!a.has(n)) {
                    names.add(n);
                }
            });
            Collections.sort(names);
            for (String n : names) {
                diff(path.isEmpty() ? n : path + "." + n, a.get(n), b.get(n), out, limit);
            }
        } else if (a == null || !a.equals(b)) {
            out.add((path.isEmpty() ? "(root)" : path) + ": " + (a == null ? "(absent)" : a.toString())
                    + " vs " + (b == null ? "(absent)" : b.toString()));
        }
    }
}
