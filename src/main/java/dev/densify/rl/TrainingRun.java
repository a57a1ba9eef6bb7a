package dev.densify.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;
import dev.densify.text.AtomicFiles;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** A table the run writes as JSON Lines and CSV; its columns are the CSV header, fixed. */
    enum Table {
        METRICS("metrics", "step", "score", "shaped_reward", "kl", "kl_coef", "policy_loss", "value_loss", "entropy",
                "approx_kl", "clip_fraction", "explained_variance", "grad_norm", "response_length", "generate_s",
                "score_s", "attribute_s", "update_s", "step_s"),
        VALIDATION("validation", "step", "reward", "kl", "response_length");

        private final String file;
        private final List<String> columns;

        Table(String file, String... columns) {
            this.file = file;
            this.columns = List.of(columns);
        }

        List<String> columns() {
            return columns;
        }
    }

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private final Path dir;

    TrainingRun(Path dir) {
        this(dir, true);
    }

    /** A run another process writes (rank 0 of a group): nothing is created; only reads are meant. */
    static TrainingRun readOnly(Path dir) {
        return new TrainingRun(dir, false);
    }

    private TrainingRun(Path dir, boolean create) {
        this.dir = dir;
        if (!create) {
            return;
        }
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

    /**
     * Appends a row to the table's {@code .jsonl} and {@code .csv}; the row has exactly the
     * table's columns, in order (the CSV header is written with the file).
     */
    void append(Table table, ObjectNode row) {
        List<String> keys = new ArrayList<>();
        row.fieldNames().forEachRemaining(keys::add);
        if (!keys.equals(table.columns)) {
            throw new IllegalStateException("a " + table.file + " row has the columns " + keys + ", expected "
                    + table.columns);
        }
        try {
            Path jsonl = dir.resolve(table.file + ".jsonl");
            Path csv = dir.resolve(table.file + ".csv");
            Files.writeString(jsonl, Json.MAPPER.writeValueAsString(row) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            boolean header = !Files.exists(csv);
            try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                writeCsv(w, table, header, List.of(row));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve(table.file) + ": " + e.getMessage(), e);
        }
    }

    /** Rows of the table's {@code .jsonl} (empty when absent). */
    List<JsonNode> rows(Table table) {
        Path jsonl = dir.resolve(table.file + ".jsonl");
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

    private static void writeCsv(Appendable out, Table table, boolean header, List<JsonNode> rows) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSV);
        if (header) {
            printer.printRecord(table.columns);
        }
        for (JsonNode row : rows) {
            List<String> cells = new ArrayList<>(table.columns.size());
            for (String c : table.columns) {
                JsonNode v = row.get(c);
                cells.add(v.isTextual() ? v.textValue() : v.toString());
            }
            printer.printRecord(cells);
        }
        printer.flush();
    }

    /**
     * Keeps the rows of the table whose step is at most {@code step} (a resume from the checkpoint
     * of that step, or 0 for a start without one): both files are rewritten aside and renamed into
     * place together, so that rows written after the checkpoint by a killed process are never
     * counted twice, and a kill during the rewrite leaves the old files.
     */
    void truncate(Table table, long step) {
        List<JsonNode> all = rows(table);
        List<JsonNode> keep = all.stream().filter(r -> r.path("step").asLong() <= step).toList();
        Path jsonl = dir.resolve(table.file + ".jsonl");
        Path csv = dir.resolve(table.file + ".csv");
        if (keep.size() == all.size() && (Files.exists(csv) || all.isEmpty())) {
            return;
        }
        try {
            if (keep.isEmpty()) {
                Files.deleteIfExists(jsonl);
                Files.deleteIfExists(csv);
                return;
            }
            StringBuilder lines = new StringBuilder();
            for (JsonNode r : keep) {
                lines.append(Json.MAPPER.writeValueAsString(r)).append('\n');
            }
            StringBuilder csvText = new StringBuilder();
            writeCsv(csvText, table, true, keep);
            Map<Path, byte[]> files = new LinkedHashMap<>();
            files.put(jsonl, lines.toString().getBytes(StandardCharsets.UTF_8));
            files.put(csv, csvText.toString().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.writeAll(files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + table.file + ": " + e.getMessage(), e);
        }
    }
}
