package dev.densify.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.engine.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html} of a training run directory: learning curves (training score, validation
 * reward, KL to the reference, losses) and the latest validation's sample responses with their
 * token-reward heat maps. Reads only the run's files; written atomically.
 */
public final class TrainingReport {


    private TrainingReport() {
    }

    /** Writes {@code dir/report.html} and returns its path. */
    public static Path write(Path dir) {
        List<JsonNode> metrics = rows(dir.resolve("metrics.jsonl"));
        List<JsonNode> validation = rows(dir.resolve("validation.jsonl"));
        JsonNode config = read(dir.resolve("config.json"));
        JsonNode samples = read(dir.resolve("samples.json"));
        StringBuilder h = new StringBuilder(Html.open("densify training run"));
        h.append("<h1>Training run</h1>\n<p class=\"meta\">").append(Html.escape(dir.toAbsolutePath().toString()));
        if (config != null) {
            h.append(" · weights ").append(Html.escape(config.path("weights").asText()));
            h.append(" · device ").append(Html.escape(config.path("device").asText()));
        }
        h.append("</p>\n");
        if (!validation.isEmpty()) {
            JsonNode last = validation.get(validation.size() - 1);
            h.append(String.format(Locale.ROOT, "<p>Validation after step %d: mean reward <b>%.4f</b> (at step %d: "
                    + "%.4f), KL to the reference %.4f.</p>\n", last.path("step").asLong(), last.path("reward").asDouble(),
                    validation.get(0).path("step").asLong(), validation.get(0).path("reward").asDouble(),
                    last.path("kl").asDouble()));
        }
        h.append("<h2>Learning curves</h2>\n<div>");
        h.append(new LineChart("Reward", "step")
                .add("validation reward", column(validation, "step"), column(validation, "reward"))
                .add("training score", column(metrics, "step"), column(metrics, "score")).svg());
        h.append(new LineChart("KL to the reference", "step")
                .add("validation KL", column(validation, "step"), column(validation, "kl"))
                .add("training KL", column(metrics, "step"), column(metrics, "kl")).svg());
        h.append(new LineChart("Losses", "step")
                .add("policy loss", column(metrics, "step"), column(metrics, "policy_loss"))
                .add("value loss", column(metrics, "step"), column(metrics, "value_loss")).svg());
        h.append(new LineChart("Seconds per step", "step")
                .add("generate", column(metrics, "step"), column(metrics, "generate_s"))
                .add("attribute", column(metrics, "step"), column(metrics, "attribute_s"))
                .add("update", column(metrics, "step"), column(metrics, "update_s")).svg());
        h.append("</div>\n");
        if (samples != null && samples.isArray() && !samples.isEmpty()) {
            h.append("<h2>Sample responses (latest validation)</h2>\n");
            h.append(Html.legend("dense reward per token, each row scaled by its largest |value|; grey: prompt"));
            h.append("<table>\n<tr><th>score</th><th>tokens</th></tr>\n");
            for (JsonNode s : samples) {
                List<String> prompt = texts(s.path("prompt"));
                List<String> tokens = texts(s.path("tokens"));
                float[] rewards = new float[tokens.size()];
                for (int i = 0; i < rewards.length; i++) {
                    rewards[i] = (float) s.path("rewards").path(i).asDouble();
                }
                h.append(String.format(Locale.ROOT, "<tr><td class=\"num\">%.4f</td><td class=\"tokens\">",
                        s.path("score").asDouble()));
                h.append(Html.heatmap(prompt, tokens, rewards)).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append(Html.close());
        Path out = dir.resolve("report.html");
        try {
            Path temp = dir.resolve(".report.html.tmp");
            Files.writeString(temp, h, StandardCharsets.UTF_8);
            Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<JsonNode> rows(Path jsonl) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(jsonl)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(Json.MAPPER.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonl + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static JsonNode read(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static double[] column(List<JsonNode> rows, String key) {
        return rows.stream().mapToDouble(r -> r.path(key).asDouble(Double.NaN)).toArray();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
