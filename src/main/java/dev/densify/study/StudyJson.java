package dev.densify.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON helpers of the study package: non-finite numbers are written as null and read back as NaN. */
final class StudyJson {


    private StudyJson() {
    }

    static String pretty(JsonNode node) {
        try {
            return Json.pretty().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    static String compact(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    static JsonNode tree(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isFinite(v)) {
            node.put(key, v);
        } else {
            node.putNull(key);
        }
    }

    static ObjectNode map(Map<String, Double> values) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        values.forEach((k, v) -> putNumber(n, k, v == null ? Double.NaN : v));
        return n;
    }

    static ArrayNode list(List<Double> values) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
        return a;
    }

    static Map<String, Double> readMap(String text) {
        LinkedHashMap<String, Double> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        JsonNode n = tree(text);
        if (!n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got " + n.getNodeType());
        }
        n.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNumber()
                ? e.getValue().asDouble() : Double.NaN));
        return out;
    }

    static List<Double> readList(String text) {
        List<Double> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        JsonNode n = tree(text);
        if (!n.isArray()) {
            throw new IllegalArgumentException("expected a JSON array, got " + n.getNodeType());
        }
        for (JsonNode v : n) {
            out.add(v.isNumber() ? v.asDouble() : Double.NaN);
        }
        return out;
    }
}
