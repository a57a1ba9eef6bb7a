package dev.densify.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionMethod;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.FeatureSelection;
import dev.densify.attribution.ScoredSequence;
import dev.densify.model.RewardModel;
import dev.densify.text.AtomicFiles;
import dev.densify.text.WordTokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code densify attribute}: per-token attributions of reward-model scores, by one or more
 * methods, as text, JSON or a self-contained HTML page.
 *
 * <p>With a task directory (holding {@value #TOKENIZER_FILE} and {@value #REWARD_FILE}, as
 * {@code densify prepare} writes) texts are accepted: a text is encoded as {@code bos + words}
 * with the task's word tokenizer, its first {@code --prompt-words} words (after bos) are the
 * prompt and the rest the response, and tokens are shown as words; the default baseline is the
 * tokenizer's mask token. With a bare checkpoint (a file, or a Hugging Face directory) only token
 * ids are accepted and the default baseline id is 0.
 *
 * <p>All inputs are read and checked before the model is loaded. Bad options are usage errors
 * (exit 2); bad input files and engine failures are runtime errors (exit 1).
 */
@Command(name = "attribute", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Attribute reward-model scores to response tokens (SHAP, LIME, attention).")
final class AttributeCommand implements Callable<Integer> {

    static final String TOKENIZER_FILE = "tokenizer.json";
    static final String REWARD_FILE = "reward.safetensors";
    /** From this many sequences on, attribution is long work (warned about on a reference BLAS). */
    static final int LONG_WORK_SEQUENCES = 32;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--reward-model", required = true, paramLabel = "DIR|FILE",
            description = "A task directory (with " + TOKENIZER_FILE + " and " + REWARD_FILE
                    + "), or a reward-model checkpoint (file or Hugging Face directory).")
    Path rewardModel;

    @Option(names = "--method", required = true, split = ",", paramLabel = "M",
            description = "shap, lime or attention; several separated by commas.")
    List<String> methodNames;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "A text to attribute (needs a task directory).")
        String text;

        @Option(names = "--input", paramLabel = "FILE.jsonl",
                description = "One JSON object per line: {\"text\": ...} or {\"prompt_ids\": [...], \"response_ids\": [...]}.")
        Path file;

        @ArgGroup(exclusive = false)
        Ids ids;
    }

    static final class Ids {
        @Option(names = "--prompt-ids", paramLabel = "IDS",
                description = "Prompt token ids, comma-separated (default: no prompt).")
        String prompt;

        @Option(names = "--response-ids", required = true, paramLabel = "IDS",
                description = "Response token ids, comma-separated.")
        String response;
    }

    @Option(names = "--prompt-words", defaultValue = "2", paramLabel = "N",
            description = "Words of a text that belong to the prompt, after bos (default: ${DEFAULT-VALUE}).")
    int promptWords;

    @Option(names = "--baseline-id", paramLabel = "N",
            description = "Token id that replaces removed tokens (default: the tokenizer's mask id "
                    + WordTokenizer.MASK + " with a task directory, else 0).")
    Integer baselineId;

    @Option(names = "--samples", paramLabel = "S",
            description = "SHAP coalitions / LIME perturbations per sequence (default: SHAP "
                    + AttributionOptions.DEFAULT_SHAP_SAMPLES + ", LIME " + AttributionOptions.DEFAULT_LIME_SAMPLES + ").")
    Integer samples;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shap-selection", paramLabel = "RULE",
            description = "SHAP feature selection, as shap's l1_reg: none, auto, aic, bic or top:K; tokens left out "
                    + "get exactly 0 (default: none).")
    String shapSelection;

    @Option(names = "--max-batch-tokens", paramLabel = "N",
            description = "Memory budget of one forward in rows x positions (default: "
                    + AttributionOptions.DEFAULT_MAX_BATCH_TOKENS + ").")
    Long maxBatchTokens;

    @ArgGroup(exclusive = true)
    Output output;

    static final class Output {
        @Option(names = "--json", description = "Print JSON on stdout.")
        boolean json;

        @Option(names = "--html", paramLabel = "OUT.html", description = "Write a self-contained HTML page.")
        Path html;
    }

    /** One sequence to explain and how to show its tokens. */
    record Item(ScoredSequence sequence, List<String> promptTokens, List<String> responseTokens) {
    }

    @Override
    public Integer call() {
        List<AttributionMethod> methods = methods();
        FeatureSelection selection = FeatureSelection.none();
        if (shapSelection != null) {
            if (!methods.contains(AttributionMethod.SHAP)) {
                throw usage("--shap-selection applies to SHAP only; --method has no shap");
            }
            try {
                selection = FeatureSelection.parse(shapSelection);
            } catch (IllegalArgumentException e) {
                throw usage("--shap-selection: " + e.getMessage());
            }
        }
        if (promptWords < 0) {
            throw usage("--prompt-words must be >= 0, got " + promptWords);
        }
        boolean task = isTaskDirectory(rewardModel);
        WordTokenizer tokenizer = task ? loadTokenizer(rewardModel.resolve(TOKENIZER_FILE)) : null;
        int baseline = baselineId != null ? baselineId : task ? WordTokenizer.MASK : 0;
        List<Attributor> attributors = new ArrayList<>();
        List<Item> items = items(tokenizer);
        if (items.size() >= LONG_WORK_SEQUENCES) {
            main.configureEngineForLongWork();
        } else {
            main.configureEngine();
        }
        Path weights = task ? rewardModel.resolve(REWARD_FILE) : rewardModel;
        Map<AttributionMethod, List<Attribution>> results = new LinkedHashMap<>();
        try (RewardModel model = RewardModel.load(weights, main.device())) {
            for (AttributionMethod m : methods) {
                attributors.add(attributor(m, model, baseline, selection));
            }
            List<ScoredSequence> sequences = items.stream().map(Item::sequence).toList();
            for (Attributor a : attributors) {
                results.put(a.method(), a.attribute(sequences));
            }
        }
        if (output != null && output.json) {
            Json.print(main.out(), json(items, results, baseline));
        } else if (output != null && output.html != null) {
            writeHtml(output.html, items, results, baseline);
            main.err().println("densify: wrote " + output.html);
        } else {
            printText(items, results);
        }
        return 0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private List<AttributionMethod> methods() {
        Set<AttributionMethod> out = new LinkedHashSet<>();
        for (String name : methodNames) {
            try {
                out.add(AttributionMethod.parse(name));
            } catch (IllegalArgumentException e) {
                throw usage("--method: " + e.getMessage());
            }
            if (!out.isEmpty() && !out.stream().allMatch(AttributionMethod::isAttribution)) {
                throw usage("--method: sparse is no attribution method (it puts the whole score on the last token); "
                        + "use shap, lime or attention");
            }
        }
        return List.copyOf(out);
    }

    private Attributor attributor(AttributionMethod method, RewardModel model, int baseline, FeatureSelection selection) {
        try {
            AttributionOptions o = AttributionOptions.defaults(method).withBaselineToken(baseline).withSeed(seed);
            if (method == AttributionMethod.SHAP) {
                o = o.withSelection(selection);
            }
            if (samples != null && method != AttributionMethod.ATTENTION) {
                o = o.withSamples(samples);
            }
            if (maxBatchTokens != null) {
                o = o.withMaxBatchTokens(maxBatchTokens);
            }
            return Attributor.of(model, o);
        } catch (IllegalArgumentException e) {
            String option = e.getMessage().startsWith("samples") ? "--samples"
                    : e.getMessage().startsWith("baselineToken") ? "--baseline-id" : "--max-batch-tokens";
            throw usage(option + ": " + e.getMessage());
        }
    }

    /** Validates the numeric options before anything is loaded. */
    private void checkOptions(int baseline) {
        if (baseline < 0) {
            throw usage("--baseline-id must be >= 0, got " + baseline);
        }
        if (samples != null && (samples < 2 || samples > Attributor.MAX_SAMPLES)) {
            throw usage("--samples must be in [2, " + Attributor.MAX_SAMPLES + "], got " + samples);
        }
        if (maxBatchTokens != null && maxBatchTokens < 1) {
            throw usage("--max-batch-tokens must be >= 1, got " + maxBatchTokens);
        }
    }

    static boolean isTaskDirectory(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(TOKENIZER_FILE))
                && Files.isRegularFile(path.resolve(REWARD_FILE));
    }

    private static WordTokenizer loadTokenizer(Path file) {
        try {
            return WordTokenizer.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    // ---- inputs -------------------------------------------------------------------------------

    private List<Item> items(WordTokenizer tokenizer) {
        checkOptions(baselineId != null ? baselineId : 0);
        List<Item> items = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        if (input.text != null) {
            if (tokenizer == null) {
                throw usage("--text needs a task directory with " + TOKENIZER_FILE + "; " + rewardModel
                        + " is a bare checkpoint: give --prompt-ids/--response-ids instead");
            }
            try {
                items.add(fromText(input.text, tokenizer, unknown));
            } catch (IllegalArgumentException e) {
                throw usage("--text: " + e.getMessage());
            }
        } else if (input.file != null) {
            items.addAll(readJsonl(input.file, tokenizer, unknown));
        } else {
            int[] prompt = input.ids.prompt == null ? new int[0] : tokenIds("--prompt-ids", input.ids.prompt);
            items.add(fromIds(prompt, tokenIds("--response-ids", input.ids.response), tokenizer));
        }
        if (!unknown.isEmpty()) {
            main.err().println("densify: warning: words not in the vocabulary (encoded as " + WordTokenizer.UNK_TOKEN
                    + "): " + String.join(", ", unknown));
        }
        return items;
    }

    private int[] tokenIds(String option, String value) {
        try {
            return new TokenIds().convert(value);
        } catch (TypeConversionException e) {
            throw usage("Invalid value for option '" + option + "': " + e.getMessage());
        }
    }

    private Item fromText(String text, WordTokenizer tokenizer, Set<String> unknown) {
        int[] ids = tokenizer.encode(text, true, false);
        int words = ids.length - 1;
        if (words <= promptWords) {
            throw new IllegalArgumentException("the text has " + words + " word" + (words == 1 ? "" : "s")
                    + "; with --prompt-words " + promptWords + " no word is left for the response");
        }
        String[] pieces = text.strip().split("\\s+");
        for (int i = 0; i < pieces.length; i++) {
            if (ids[i + 1] == WordTokenizer.UNK && !pieces[i].equals(WordTokenizer.UNK_TOKEN)) {
                unknown.add(pieces[i]);
            }
        }
        int p = 1 + promptWords;
        int[] prompt = java.util.Arrays.copyOfRange(ids, 0, p);
        int[] response = java.util.Arrays.copyOfRange(ids, p, ids.length);
        return fromIds(prompt, response, tokenizer);
    }

    private static Item fromIds(int[] prompt, int[] response, WordTokenizer tokenizer) {
        return new Item(new ScoredSequence(prompt, response), show(prompt, tokenizer), show(response, tokenizer));
    }

    private static List<String> show(int[] ids, WordTokenizer tokenizer) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(tokenizer != null && id < tokenizer.vocabularySize() ? tokenizer.token(id) : Integer.toString(id));
        }
        return out;
    }

    private List<Item> readJsonl(Path file, WordTokenizer tokenizer, Set<String> unknown) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw usage("--input: no such file: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            try {
                JsonNode node;
                try {
                    node = dev.densify.engine.Json.MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) {
                    throw new IllegalArgumentException("expected a JSON object");
                }
                if (node.has("text")) {
                    if (!node.get("text").isTextual()) {
                        throw new IllegalArgumentException("\"text\" must be a string");
                    }
                    if (tokenizer == null) {
                        throw new IllegalArgumentException("\"text\" needs a task directory with " + TOKENIZER_FILE + "; "
                                + rewardModel + " is a bare checkpoint: give \"prompt_ids\"/\"response_ids\"");
                    }
                    items.add(fromText(node.get("text").textValue(), tokenizer, unknown));
                } else if (node.has("response_ids")) {
                    int[] prompt = node.has("prompt_ids") ? ids(node.get("prompt_ids"), "prompt_ids") : new int[0];
                    int[] response = ids(node.get("response_ids"), "response_ids");
                    if (response.length == 0) {
                        throw new IllegalArgumentException("\"response_ids\" is empty");
                    }
                    items.add(fromIds(prompt, response, tokenizer));
                } else {
                    throw new IllegalArgumentException("expected \"text\" or \"response_ids\" (with optional \"prompt_ids\")");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no sequence");
        }
        return items;
    }

    private static int[] ids(JsonNode node, String key) {
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException("\"" + key + "\" must be an array of token ids");
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
                throw new IllegalArgumentException("\"" + key + "\"[" + i + "] = " + v + " is not a token id");
            }
            out[i] = v.intValue();
        }
        return out;
    }

    // ---- outputs ------------------------------------------------------------------------------

    private ObjectNode json(List<Item> items, Map<AttributionMethod, List<Attribution>> results, int baseline) {
        ObjectNode root = Json.object();
        root.put("reward_model", rewardModel.toString());
        root.put("baseline_id", baseline);
        ArrayNode list = root.putArray("sequences");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            ObjectNode s = list.addObject();
            ArrayNode promptIds = s.putArray("prompt_ids");
            for (int id : item.sequence().prompt()) {
                promptIds.add(id);
            }
            ArrayNode responseIds = s.putArray("response_ids");
            for (int id : item.sequence().response()) {
                responseIds.add(id);
            }
            ArrayNode promptTokens = s.putArray("prompt_tokens");
            item.promptTokens().forEach(promptTokens::add);
            ArrayNode responseTokens = s.putArray("response_tokens");
            item.responseTokens().forEach(responseTokens::add);
            ObjectNode methods = s.putObject("methods");
            for (var e : results.entrySet()) {
                Attribution a = e.getValue().get(i);
                ObjectNode m = methods.putObject(e.getKey().id());
                ArrayNode values = m.putArray("values");
                for (float v : a.values()) {
                    values.add(v);
                }
                m.put("full", a.full());
                m.put("baseline", a.baseline());
                m.put("evaluations", a.evaluations());
                m.put("diagnostic", a.diagnostic());
            }
        }
        return root;
    }

    private void printText(List<Item> items, Map<AttributionMethod, List<Attribution>> results) {
        var out = main.out();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            out.printf("sequence %d: %s | %s%n", i + 1, String.join(" ", item.promptTokens()),
                    String.join(" ", item.responseTokens()));
            for (var e : results.entrySet()) {
                Attribution a = e.getValue().get(i);
                out.printf(Locale.ROOT, "  %-9s full %.4f  baseline %.4f  evaluations %d  %s%n", e.getKey().id(), a.full(),
                        a.baseline(), a.evaluations(), diagnostic(e.getKey(), a));
                StringBuilder line = new StringBuilder("           ");
                for (int t = 0; t < a.length(); t++) {
                    line.append(String.format(Locale.ROOT, " %s=%+.4f", item.responseTokens().get(t), a.value(t)));
                }
                out.println(line);
            }
        }
    }

    private static String diagnostic(AttributionMethod method, Attribution a) {
        return switch (method) {
            case SHAP -> String.format(Locale.ROOT, "std error %.4f", a.diagnostic());
            case LIME -> String.format(Locale.ROOT, "R² %.4f", a.diagnostic());
            case ATTENTION, SPARSE -> "";
        };
    }

    private void writeHtml(Path file, List<Item> items, Map<AttributionMethod, List<Attribution>> results, int baseline) {
        String html = AttributionHtml.render(rewardModel.getFileName() == null ? rewardModel.toString()
                : rewardModel.getFileName().toString(), baseline, items, results);
        try {
            AtomicFiles.write(file, html.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
