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
import dev.densify.text.HuggingFaceTokenizer;
import dev.densify.text.TokenAlignment;
import dev.densify.text.Tokenizer;
import dev.densify.text.WordTokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
 * <p>The reward model is a task directory (holding {@value #TOKENIZER_FILE} and
 * {@value #REWARD_FILE}, as {@code densify prepare} writes), a GPT-2 checkpoint (a file, or a
 * Hugging Face directory) or a TorchScript module. Texts are encoded with its tokenizer: a task
 * directory's word tokenizer ({@code bos + words}, the first {@code --prompt-words} words the
 * prompt, unless {@code --prompt} gives it; default baseline the mask token), else
 * {@code --tokenizer} or the {@code tokenizer.json} in or beside the model (the prompt, if any,
 * from {@code --prompt}, encoded apart; default baseline its pad, else eos, else unk token).
 * Without a tokenizer only token ids are accepted and the default baseline id is 0. With
 * {@code --policy-tokenizer} the attributions of texts are also given to a policy's tokens by
 * shared characters ({@link TokenAlignment}), as training does for a reward model of another
 * tokenizer.
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
                    + "), a reward-model checkpoint (file or Hugging Face directory) or a TorchScript module (.pt).")
    Path rewardModel;

    @Mixin
    RewardLabel.Option rewardLabel;

    @Mixin
    Texts.TokenizerOption tokenizerOption;

    @Option(names = "--policy-tokenizer", paramLabel = "PATH",
            description = "A policy's tokenizer: the attributions of texts are also given to its tokens by shared "
                    + "characters, as training does for a reward model of another tokenizer.")
    Path policyTokenizerPath;

    @Option(names = "--method", required = true, split = ",", paramLabel = "M",
            description = "shap, lime or attention; several separated by commas.")
    List<String> methodNames;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT",
                description = "A text to attribute (with a tokenizer: a task directory's, --tokenizer or the model's).")
        String text;

        @Option(names = "--input", paramLabel = "FILE.jsonl",
                description = "One JSON object per line: {\"text\": ...[, \"prompt\": ...]} or {\"prompt_ids\": [...], "
                        + "\"response_ids\": [...]}.")
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

    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "The prompt before --text: fixed context, not attributed (default: none; with a task "
                    + "directory the first --prompt-words words).")
    String prompt;

    @Option(names = "--prompt-words", defaultValue = "2", paramLabel = "N",
            description = "With a task directory and no --prompt: words of a text that belong to the prompt, after "
                    + "bos (default: ${DEFAULT-VALUE}).")
    int promptWords;

    @Option(names = "--baseline-id", paramLabel = "N",
            description = "Token id that replaces removed tokens (default: the mask id " + WordTokenizer.MASK
                    + " with a task directory, else the tokenizer's pad, eos or unk id, else 0).")
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

    /**
     * One sequence to explain and how to show its tokens.
     *
     * @param response the response's tokens with their characters in {@code responseText}; null for ids
     * @param policy   the response in the policy's tokens ({@code --policy-tokenizer}); null without
     */
    record Item(ScoredSequence sequence, List<String> promptTokens, List<String> responseTokens, String responseText,
                Tokenizer.Encoding response, PolicyTokens policy) {
    }

    /** A response in a policy's tokens, to which the attributions are given. */
    record PolicyTokens(Tokenizer.Encoding encoding, List<String> tokens) {
        double[] map(Attribution a, Tokenizer.Encoding response) {
            double[] values = new double[a.length()];
            for (int t = 0; t < values.length; t++) {
                values[t] = a.value(t);
            }
            return TokenAlignment.map(values, response, encoding);
        }
    }

    /** How texts become ids and ids are shown. */
    private record Vocabulary(Tokenizer tokenizer, boolean words) {
        String show(int id) {
            if (tokenizer == null || id >= tokenizer.vocabularySize()) {
                return Integer.toString(id);
            }
            return words ? tokenizer.token(id) : tokenizer.decode(new int[]{id});
        }
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
        if (task && tokenizerOption.path != null) {
            throw usage("--tokenizer: the task directory " + rewardModel + " carries its own tokenizer");
        }
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Vocabulary vocabulary = new Vocabulary(task ? loadTokenizer(rewardModel.resolve(TOKENIZER_FILE))
                    : tokenizer(owned), task);
            Tokenizer policyTokenizer = policyTokenizer(vocabulary, owned);
            int baseline = baselineId != null ? baselineId : task ? WordTokenizer.MASK
                    : vocabulary.tokenizer() != null ? Math.max(0, vocabulary.tokenizer().specialTokens().removed()) : 0;
            List<Item> items = items(vocabulary, policyTokenizer);
            if (items.size() >= LONG_WORK_SEQUENCES) {
                main.configureEngineForLongWork();
            } else {
                main.configureEngine();
            }
            Path weights = task ? rewardModel.resolve(REWARD_FILE) : rewardModel;
            Map<AttributionMethod, List<Attribution>> results = new LinkedHashMap<>();
            try (RewardModel model = RewardModel.load(weights, main.device(), rewardLabel.label(),
                    () -> torchScriptVocabulary(vocabulary))) {
                List<Attributor> attributors = new ArrayList<>();
                for (AttributionMethod m : methods) {
                    attributors.add(attributor(m, model, baseline, selection));
                }
                List<ScoredSequence> sequences = items.stream().map(Item::sequence).toList();
                for (Attributor a : attributors) {
                    results.put(a.method(), a.attribute(sequences));
                }
            }
            write(items, results, baseline);
        } finally {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    main.err().println("densify: warning: cannot close " + c + ": " + e.getMessage());
                }
            }
        }
        return 0;
    }

    private void write(List<Item> items, Map<AttributionMethod, List<Attribution>> results, int baseline) {
        if (output != null && output.json) {
            Json.print(main.out(), json(items, results, baseline));
        } else if (output != null && output.html != null) {
            writeHtml(output.html, items, results, baseline);
            main.err().println("densify: wrote " + output.html);
        } else {
            printText(items, results);
        }
    }

    /** --tokenizer, else the tokenizer.json in or beside the model, else none (ids only). */
    private Tokenizer tokenizer(List<AutoCloseable> owned) {
        Tokenizer t = tokenizerOption.find(rewardModel);
        return t == null ? null : opened(t, owned);
    }

    private Tokenizer policyTokenizer(Vocabulary vocabulary, List<AutoCloseable> owned) {
        if (policyTokenizerPath == null) {
            return null;
        }
        if (vocabulary.tokenizer() == null) {
            throw usage("--policy-tokenizer maps the attributions of texts: give the reward model's tokenizer (--tokenizer)");
        }
        return opened(Tokenizer.load(policyTokenizerPath), owned);
    }

    private static Tokenizer opened(Tokenizer t, List<AutoCloseable> owned) {
        if (t instanceof AutoCloseable c) {
            owned.add(c);
        }
        return t;
    }

    private int torchScriptVocabulary(Vocabulary vocabulary) {
        if (vocabulary.tokenizer() == null) {
            throw usage("a TorchScript reward model declares no vocabulary: give its tokenizer (--tokenizer, or a "
                    + HuggingFaceTokenizer.FILE + " beside " + rewardModel + ")");
        }
        return vocabulary.tokenizer().vocabularySize();
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

    private List<Item> items(Vocabulary vocabulary, Tokenizer policyTokenizer) {
        checkOptions(baselineId != null ? baselineId : 0);
        if (prompt != null && input.text == null) {
            throw usage("--prompt goes with --text (in an --input file, give \"prompt\" on each line)");
        }
        List<Item> items = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        if (input.text != null) {
            if (vocabulary.tokenizer() == null) {
                throw usage("--text needs a tokenizer: " + rewardModel + " is a bare checkpoint without "
                        + HuggingFaceTokenizer.FILE + "; give --tokenizer, or --prompt-ids/--response-ids");
            }
            try {
                items.add(fromText(prompt, input.text, vocabulary, policyTokenizer, unknown));
            } catch (IllegalArgumentException e) {
                throw usage("--text: " + e.getMessage());
            }
        } else if (input.file != null) {
            items.addAll(readJsonl(input.file, vocabulary, policyTokenizer, unknown));
        } else {
            if (policyTokenizer != null) {
                throw usage("--policy-tokenizer maps the attributions of texts; token ids have none");
            }
            int[] promptIds = input.ids.prompt == null ? new int[0] : tokenIds("--prompt-ids", input.ids.prompt);
            items.add(fromIds(promptIds, tokenIds("--response-ids", input.ids.response), vocabulary));
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

    /**
     * A text's item: with a task's word tokenizer bos + words, the prompt the first --prompt-words
     * words unless given; with another tokenizer the prompt (if any) and the text encoded apart.
     */
    private Item fromText(String promptText, String text, Vocabulary vocabulary, Tokenizer policyTokenizer,
                          Set<String> unknown) {
        Tokenizer tokenizer = vocabulary.tokenizer();
        String responseText;
        int[] promptIds;
        if (vocabulary.words() && promptText == null) {
            String[] pieces = text.strip().split("\\s+");
            if (pieces.length <= promptWords || text.isBlank()) {
                int words = text.isBlank() ? 0 : pieces.length;
                throw new IllegalArgumentException("the text has " + words + " word" + (words == 1 ? "" : "s")
                        + "; with --prompt-words " + promptWords + " no word is left for the response");
            }
            promptText = String.join(" ", java.util.Arrays.copyOfRange(pieces, 0, promptWords));
            responseText = String.join(" ", java.util.Arrays.copyOfRange(pieces, promptWords, pieces.length));
        } else {
            responseText = text;
        }
        if (vocabulary.words()) {
            WordTokenizer words = (WordTokenizer) tokenizer;
            promptIds = promptText.isBlank() ? new int[]{WordTokenizer.BOS} : words.encode(promptText, true, false);
            noteUnknown(words, promptText, promptIds, 1, unknown);
        } else {
            promptIds = promptText == null ? new int[0] : tokenizer.encode(promptText);
        }
        Tokenizer.Encoding response = tokenizer.encodeWithOffsets(responseText);
        if (response.size() == 0) {
            throw new IllegalArgumentException("the response has no tokens");
        }
        if (vocabulary.words()) {
            noteUnknown((WordTokenizer) tokenizer, responseText, response.ids(), 0, unknown);
        }
        PolicyTokens policy = null;
        if (policyTokenizer != null) {
            Tokenizer.Encoding p = policyTokenizer.encodeWithOffsets(responseText);
            if (p.size() == 0) {
                throw new IllegalArgumentException("the response has no tokens in the policy's tokenizer");
            }
            List<String> shown = new ArrayList<>();
            for (int id : p.ids()) {
                shown.add(policyTokenizer.decode(new int[]{id}));
            }
            policy = new PolicyTokens(p, shown);
        }
        int[] responseIds = response.ids();
        return new Item(new ScoredSequence(promptIds, responseIds), show(promptIds, vocabulary),
                show(responseIds, vocabulary), responseText, response, policy);
    }

    /** Words the word tokenizer encoded as unknown; ids[skip..] are the words of text. */
    private static void noteUnknown(WordTokenizer tokenizer, String text, int[] ids, int skip, Set<String> unknown) {
        if (text.isBlank()) {
            return;
        }
        String[] pieces = text.strip().split("\\s+");
        for (int i = 0; i < pieces.length && i + skip < ids.length; i++) {
            if (ids[i + skip] == WordTokenizer.UNK && !pieces[i].equals(WordTokenizer.UNK_TOKEN)) {
                unknown.add(pieces[i]);
            }
        }
    }

    private static Item fromIds(int[] prompt, int[] response, Vocabulary vocabulary) {
        return new Item(new ScoredSequence(prompt, response), show(prompt, vocabulary), show(response, vocabulary),
                null, null, null);
    }

    private static List<String> show(int[] ids, Vocabulary vocabulary) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(vocabulary.show(id));
        }
        return out;
    }

    private List<Item> readJsonl(Path file, Vocabulary vocabulary, Tokenizer policyTokenizer, Set<String> unknown) {
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
                    if (node.has("prompt") && !node.get("prompt").isTextual()) {
                        throw new IllegalArgumentException("\"prompt\" must be a string");
                    }
                    if (vocabulary.tokenizer() == null) {
                        throw new IllegalArgumentException("\"text\" needs a tokenizer: " + rewardModel + " is a bare "
                                + "checkpoint without " + HuggingFaceTokenizer.FILE + "; give --tokenizer, or "
                                + "\"prompt_ids\"/\"response_ids\"");
                    }
                    items.add(fromText(node.has("prompt") ? node.get("prompt").textValue() : null,
                            node.get("text").textValue(), vocabulary, policyTokenizer, unknown));
                } else if (node.has("response_ids")) {
                    int[] prompt = node.has("prompt_ids") ? ids(node.get("prompt_ids"), "prompt_ids") : new int[0];
                    int[] response = ids(node.get("response_ids"), "response_ids");
                    if (response.length == 0) {
                        throw new IllegalArgumentException("\"response_ids\" is empty");
                    }
                    if (policyTokenizer != null) {
                        throw new IllegalArgumentException("--policy-tokenizer maps the attributions of texts; token "
                                + "ids have none");
                    }
                    items.add(fromIds(prompt, response, vocabulary));
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
            if (item.responseText() != null) {
                s.put("response_text", item.responseText());
                putSpans(s, "response_spans", item.response());
            }
            if (item.policy() != null) {
                ArrayNode policyIds = s.putArray("policy_ids");
                for (int id : item.policy().encoding().ids()) {
                    policyIds.add(id);
                }
                ArrayNode policyTokens = s.putArray("policy_tokens");
                item.policy().tokens().forEach(policyTokens::add);
                putSpans(s, "policy_spans", item.policy().encoding());
            }
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
                if (item.policy() != null) {
                    ArrayNode mapped = m.putArray("policy_values");
                    for (double v : item.policy().map(a, item.response())) {
                        mapped.add(v);
                    }
                }
            }
        }
        return root;
    }

    /** [[start, end], ...]: the characters of each token in the response text. */
    private static void putSpans(ObjectNode node, String key, Tokenizer.Encoding encoding) {
        ArrayNode spans = node.putArray(key);
        int[] starts = encoding.starts();
        int[] ends = encoding.ends();
        for (int t = 0; t < starts.length; t++) {
            spans.addArray().add(starts[t]).add(ends[t]);
        }
    }

    private void printText(List<Item> items, Map<AttributionMethod, List<Attribution>> results) {
        var out = main.out();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            out.printf("sequence %d: %s | %s%n", i + 1, bracketed(item.promptTokens()), bracketed(item.responseTokens()));
            for (var e : results.entrySet()) {
                Attribution a = e.getValue().get(i);
                out.printf(Locale.ROOT, "  %-9s full %.4f  baseline %.4f  evaluations %d  %s%n", e.getKey().id(), a.full(),
                        a.baseline(), a.evaluations(), diagnostic(e.getKey(), a));
                StringBuilder line = new StringBuilder("           ");
                for (int t = 0; t < a.length(); t++) {
                    line.append(String.format(Locale.ROOT, " [%s]=%+.4f", item.responseTokens().get(t), a.value(t)));
                }
                out.println(line);
                if (item.policy() != null) {
                    double[] mapped = item.policy().map(a, item.response());
                    StringBuilder p = new StringBuilder("  policy   ");
                    for (int t = 0; t < mapped.length; t++) {
                        p.append(String.format(Locale.ROOT, " [%s]=%+.4f", item.policy().tokens().get(t), mapped[t]));
                    }
                    out.println(p);
                }
            }
        }
    }

    /** Tokens with their boundaries: [the][ weather]. */
    private static String bracketed(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            sb.append('[').append(t).append(']');
        }
        return sb.toString();
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
