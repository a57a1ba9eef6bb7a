package dev.densify.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The files of a training run directory:
 * <ul>
 *   <li>{@code config.json}: the resolved configuration;</li>
 *   <li>{@code metrics.jsonl} and {@code metrics.csv}: one row per PPO step;</li>
 *   <li>{@code validation.jsonl}: one row per validation;</li>
 *   <li>{@code samples.json}: the latest validation's sample responses with token rewards;</li>
 *   <li>{@code checkpoint/}: policy, optimizer state and {@code state.json} of the last finished
 *       checkpoint (replaced as a whole, so a killed run resumes from a consistent one).</li>
 * </ul>
 */
final class TrainingRun {


    private final Path dir;

    TrainingRun(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("run directory " + dir + " is not a directory");
        }
    }

    Path dir() {
        return dir;
    }

    Path checkpoint() {
        return dir.resolve("checkpoint");
    }

    void writeJson(String name, JsonNode node) {
        try {
            Path temp = dir.resolve("." + name + ".tmp");
            Files.writeString(temp, Json.pretty().writeValueAsString(node) + "\n", StandardCharsets.UTF_8);
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    JsonNode readJson(String name) {
        try {
            return Json.MAPPER.readTree(Files.readString(dir.resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    boolean exists(String name) {
        return Files.exists(dir.resolve(name));
    }

    /** Appends a row to {@code name}.jsonl and {@code name}.csv (header from the first row's keys). */
    void append(String name, ObjectNode row) {
        try {
            Path jsonl = dir.resolve(name + ".jsonl");
            Path csv = dir.resolve(name + ".csv");
            Files.writeString(jsonl, Json.MAPPER.writeValueAsString(row) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            boolean header = !Files.exists(csv);
            try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                if (header) {
                    w.write(String.join(",", fieldNames(row)));
                    w.newLine();
                }
                List<String> cells = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                    JsonNode v = it.next().getValue();
                    cells.add(v.isTextual() ? '"' + v.textValue().replace("\"", "\"\"") + '"' : v.toString());
                }
                w.write(String.join(",", cells));
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    /** Rows of {@code name}.jsonl (empty when absent). */
    List<JsonNode> rows(String name) {
        Path jsonl = dir.resolve(name + ".jsonl");
        if (!Files.exists(jsonl)) {
            return List.of();
        }
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(Json.MAPPER.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonl + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the rows of {@code name} whose step is at most {@code step} (after a resume). */
    void truncate(String name, long step) {
        List<JsonNode> keep = rows(name).stream().filter(r -> r.path("step").asLong() <= step).toList();
        try {
            Files.deleteIfExists(dir.resolve(name + ".jsonl"));
            Files.deleteIfExists(dir.resolve(name + ".csv"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + name + ": " + e.getMessage(), e);
        }
        for (JsonNode r : keep) {
            append(name, (ObjectNode) r);
        }
    }

    private static List<String> fieldNames(ObjectNode row) {
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
