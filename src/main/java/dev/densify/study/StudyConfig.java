package dev.densify.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.attribution.AttributionMethod;
import dev.densify.bo.BoxDimension;
import dev.densify.bo.BoxSpace;
import dev.densify.bo.ProductSpace;
import dev.densify.bo.SearchSpace;
import dev.densify.bo.SimplexSpace;
import dev.densify.engine.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a study searches and how long. Immutable; validated on construction (an
 * {@link IllegalArgumentException} naming the field and the value).
 *
 * <p>JSON (snake_case; unknown fields are errors, missing ones take the defaults of
 * {@link #defaults()} except {@code trials}, which is required):
 * <pre>{@code
 * {"components": ["sparse", "shap", "lime", "attention"],
 *  "extras": [{"name": "kl_coef", "lower": 0.01, "upper": 0.5, "log": true}],
 *  "objective": "final", "trials": 20, "parallel": 1, "seeds_per_trial": 1,
 *  "initial_design": 0, "seed": 0, "objective_settings": {"steps_per_trial": "200"},
 *  "fixed_blends": [{"sparse": 1}, {"shap": 1}], "kl_penalty": 0.1}
 * }</pre>
 *
 * @param components        the blended components, at least 2, distinct, in the order of the
 *                          simplex coordinates
 * @param extras            further dimensions searched with the weights ({@value #KL_COEF},
 *                          {@value #LEARNING_RATE}); may be empty
 * @param objective         which number of an outcome is maximised
 * @param trials            the study's budget of finished (complete or failed) trials, ≥ 1
 * @param parallel          candidates per optimiser batch (q), 1 ≤ q ≤ trials
 * @param seedsPerTrial     runs per trial with different seeds, ≥ 1; the trial's objective is
 *                          their mean
 * @param initialDesignSize Sobol trials before the model takes over; 0 = 2·d + 1, d the search
 *                          space's unit dimension
 * @param seed              the seed of the optimiser, the design and the trials' seeds
 * @param objectiveSettings what the objective was built from (task directory, steps per trial, a
 *                          training configuration's hash…), recorded so that a resumed study is
 *                          checked to run the same inner problem; keys sorted; may be empty
 * @param fixedBlends       weight settings run as the study's first trials (origin
 *                          {@value TrialRecord#FIXED}), the baselines the report compares the
 *                          recommendation with; each on the simplex, missing components 0; none
 *                          with extras; may be empty
 * @param klPenalty         c of {@link ObjectiveKind#REWARD_MINUS_KL}, ≥ 0
 */
public record StudyConfig(List<AttributionMethod> components, List<ExtraDimension> extras, ObjectiveKind objective,
                          int trials, int parallel, int seedsPerTrial, int initialDesignSize, long seed,
                          Map<String, String> objectiveSettings, List<Map<String, Double>> fixedBlends,
                          double klPenalty) {

    /** Name of the KL coefficient dimension (β of the PPO KL penalty). */
    public static final String KL_COEF = "kl_coef";
    /** Name of the learning-rate dimension. */
    public static final String LEARNING_RATE = "learning_rate";
    /** The extra dimensions a study may search. */
    public static final List<String> KNOWN_EXTRAS = List.of(KL_COEF, LEARNING_RATE);

    /** The c of {@code reward_minus_kl} unless a study says otherwise. */
    public static final double DEFAULT_KL_PENALTY = 0.1;

    private static final Set<String> FIELDS = Set.of("components", "extras", "objective", "trials", "parallel",
            "seeds_per_trial", "initial_design", "seed", "objective_settings", "fixed_blends", "kl_penalty");

    /**
     * A searched dimension besides the weights.
     *
     * @param name        one of {@link #KNOWN_EXTRAS}
     * @param lower       finite, &lt; upper, &gt; 0 when logarithmic
     * @param upper       finite
     * @param logarithmic searched (and modelled) on a log scale
     */
    public record ExtraDimension(String name, double lower, double upper, boolean logarithmic) {

        public ExtraDimension {
            if (name == null || !KNOWN_EXTRAS.contains(name)) {
                throw new IllegalArgumentException("unknown extra dimension '" + name + "' (known: "
                        + String.join(", ", KNOWN_EXTRAS) + ")");
            }
            if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
                throw new IllegalArgumentException("extra dimension " + name + " needs finite lower < upper, got ["
                        + lower + ", " + upper + "]");
            }
            if (logarithmic && !(lower > 0)) {
                throw new IllegalArgumentException("logarithmic extra dimension " + name + " needs lower > 0, got "
                        + lower);
            }
        }

        /** A log-scale range. */
        public static ExtraDimension log(String name, double lower, double upper) {
            return new ExtraDimension(name, lower, upper, true);
        }

        BoxDimension toBox() {
            return new BoxDimension(name, lower, upper, logarithmic);
        }
    }

    public StudyConfig {
        if (components == null || components.size() < 2) {
            throw new IllegalArgumentException("a study blends at least 2 methods, got "
                    + (components == null ? 0 : components.size()) + " (known: sparse, shap, lime, attention)");
        }
        Set<AttributionMethod> seen = new HashSet<>();
        for (AttributionMethod c : components) {
            if (c == null) {
                throw new IllegalArgumentException("methods must not be null");
            }
            if (!seen.add(c)) {
                throw new IllegalArgumentException("method '" + c.id() + "' is given twice");
            }
        }
        components = List.copyOf(components);
        extras = extras == null ? List.of() : List.copyOf(extras);
        Set<String> extraNames = new HashSet<>();
        for (ExtraDimension e : extras) {
            if (!extraNames.add(e.name())) {
                throw new IllegalArgumentException("extra dimension '" + e.name() + "' is given twice");
            }
        }
        if (objective == null) {
            throw new IllegalArgumentException("objective must not be null (final, area_under_curve or reward_minus_kl)");
        }
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
        }
        if (parallel > trials) {
            throw new IllegalArgumentException("parallel (" + parallel + ") must be <= trials (" + trials + ")");
        }
        if (seedsPerTrial < 1) {
            throw new IllegalArgumentException("seeds per trial must be >= 1, got " + seedsPerTrial);
        }
        if (initialDesignSize < 0) {
            throw new IllegalArgumentException("initial design size must be >= 0 (0: automatic), got "
                    + initialDesignSize);
        }
        TreeMap<String, String> settings = new TreeMap<>();
        if (objectiveSettings != null) {
            for (Map.Entry<String, String> e : objectiveSettings.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("objective settings must not hold null keys or values");
                }
                settings.put(e.getKey(), e.getValue());
            }
        }
        objectiveSettings = Collections.unmodifiableMap(settings);
        if (!Double.isFinite(klPenalty) || klPenalty < 0) {
            throw new IllegalArgumentException("kl_penalty must be finite and >= 0, got " + klPenalty);
        }
        List<Map<String, Double>> blends = new ArrayList<>();
        for (Map<String, Double> b : fixedBlends == null ? List.<Map<String, Double>>of() : fixedBlends) {
            blends.add(normalisedBlend(b, components));
        }
        if (!blends.isEmpty() && !extras.isEmpty()) {
            throw new IllegalArgumentException("fixed blends fix the weights only; a study with extra dimensions ("
                    + extras.get(0).name() + ") cannot take them");
        }
        if (blends.size() > trials) {
            throw new IllegalArgumentException(blends.size() + " fixed blends do not fit a budget of " + trials + " trials");
        }
        fixedBlends = List.copyOf(blends);
    }

    /**
     * A fixed blend checked against the components: known names, weights ≥ 0 summing to 1 (within
     * 1e-6), every component present (missing ones 0), in the components' order.
     */
    private static Map<String, Double> normalisedBlend(Map<String, Double> blend, List<AttributionMethod> components) {
        if (blend == null || blend.isEmpty()) {
            throw new IllegalArgumentException("a fixed blend must name at least one weight");
        }
        java.util.LinkedHashMap<String, Double> out = new java.util.LinkedHashMap<>();
        double sum = 0;
        for (AttributionMethod c : components) {
            Double w = blend.get(c.id());
            double v = w == null ? 0 : w;
            if (!Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException("fixed blend " + blend + ": weight of " + c.id() + " must be >= 0, got " + v);
            }
            out.put(c.id(), v);
            sum += v;
        }
        for (String k : blend.keySet()) {
            if (!out.containsKey(k)) {
                throw new IllegalArgumentException("fixed blend " + blend + " names '" + k + "', not a component of the "
                        + "study (" + String.join(", ", components.stream().map(AttributionMethod::id).toList()) + ")");
            }
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("fixed blend " + blend + ": the weights sum to " + sum + ", not 1");
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * All four components, no extras, the final score, {@code trials} trials one at a time, one
     * seed, the automatic initial design, seed 0.
     */
    public static StudyConfig defaults(int trials) {
        return new StudyConfig(List.of(AttributionMethod.values()), List.of(), ObjectiveKind.FINAL, trials, 1, 1, 0, 0,
                Map.of(), List.of(), DEFAULT_KL_PENALTY);
    }

    /**
     * Parses a comma-separated list of method names ({@code sparse,shap,lime,attention}).
     *
     * @throws IllegalArgumentException naming an unknown method
     */
    public static List<AttributionMethod> parseMethods(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no methods given (known: sparse, shap, lime, attention)");
        }
        List<AttributionMethod> out = new ArrayList<>();
        for (String part : text.split(",")) {
            out.add(parseMethod(part));
        }
        return out;
    }

    /** One method name; the message names an unknown one and lists the known. */
    public static AttributionMethod parseMethod(String name) {
        try {
            return AttributionMethod.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown method '" + (name == null ? null : name.strip())
                    + "' (known: sparse, shap, lime, attention)", e);
        }
    }

    public StudyConfig withComponents(List<AttributionMethod> components) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withExtras(List<ExtraDimension> extras) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withObjective(ObjectiveKind objective) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withTrials(int trials) {
        return new StudyConfig(components, extras, objective, trials, Math.min(parallel, Math.max(1, trials)),
                seedsPerTrial, initialDesignSize, seed, objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withParallel(int parallel) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withSeedsPerTrial(int seedsPerTrial) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withInitialDesignSize(int initialDesignSize) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withSeed(long seed) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withObjectiveSettings(Map<String, String> objectiveSettings) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withFixedBlends(List<Map<String, Double>> fixedBlends) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    public StudyConfig withKlPenalty(double klPenalty) {
        return new StudyConfig(components, extras, objective, trials, parallel, seedsPerTrial, initialDesignSize, seed,
                objectiveSettings, fixedBlends, klPenalty);
    }

    /** The value of an outcome under this study's objective ({@link ObjectiveKind#value}). */
    public double objectiveValue(TrialOutcome outcome) {
        return objective.value(outcome, klPenalty);
    }

    /** The component ids, in order. */
    public List<String> componentIds() {
        return components.stream().map(AttributionMethod::id).toList();
    }

    /**
     * The search space: the simplex of the components' weights (named by id), times a box of
     * the extras when there are any.
     */
    public SearchSpace searchSpace() {
        SimplexSpace simplex = new SimplexSpace(componentIds());
        if (extras.isEmpty()) {
            return simplex;
        }
        return ProductSpace.of(simplex, new BoxSpace(extras.stream().map(ExtraDimension::toBox).toList()));
    }

    /** The initial design size, resolved (2·d + 1 for 0). */
    public int resolvedInitialDesignSize() {
        return initialDesignSize > 0 ? initialDesignSize : 2 * searchSpace().dimension() + 1;
    }

    /**
     * The fields (JSON names) in which {@code other} differs from this configuration, except
     * {@code trials} (a study may be extended or cut short); empty when the two describe the same
     * study.
     */
    public List<String> differencesExceptTrials(StudyConfig other) {
        List<String> d = new ArrayList<>();
        if (!components.equals(other.components)) {
            d.add("components");
        }
        if (!extras.equals(other.extras)) {
            d.add("extras");
        }
        if (objective != other.objective) {
            d.add("objective");
        }
        if (parallel != other.parallel) {
            d.add("parallel");
        }
        if (seedsPerTrial != other.seedsPerTrial) {
            d.add("seeds_per_trial");
        }
        if (resolvedInitialDesignSize() != other.resolvedInitialDesignSize()) {
            d.add("initial_design");
        }
        if (seed != other.seed) {
            d.add("seed");
        }
        if (!objectiveSettings.equals(other.objectiveSettings)) {
            d.add("objective_settings");
        }
        if (!fixedBlends.equals(other.fixedBlends)) {
            d.add("fixed_blends");
        }
        if (Double.compare(klPenalty, other.klPenalty) != 0) {
            d.add("kl_penalty");
        }
        return d;
    }

    // ---- JSON -------------------------------------------------------------------------------

    /** This configuration as a JSON object (all fields). */
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        ArrayNode comps = n.putArray("components");
        components.forEach(c -> comps.add(c.id()));
        ArrayNode ex = n.putArray("extras");
        for (ExtraDimension e : extras) {
            ex.addObject().put("name", e.name()).put("lower", e.lower()).put("upper", e.upper())
                    .put("log", e.logarithmic());
        }
        n.put("objective", objective.id());
        n.put("trials", trials);
        n.put("parallel", parallel);
        n.put("seeds_per_trial", seedsPerTrial);
        n.put("initial_design", initialDesignSize);
        n.put("seed", seed);
        ObjectNode s = n.putObject("objective_settings");
        objectiveSettings.forEach(s::put);
        ArrayNode blends = n.putArray("fixed_blends");
        for (Map<String, Double> b : fixedBlends) {
            ObjectNode o = blends.addObject();
            b.forEach(o::put);
        }
        n.put("kl_penalty", klPenalty);
        return n;
    }

    /** Pretty-printed JSON. */
    public String toJsonString() {
        return StudyJson.pretty(toJson());
    }

    /**
     * Parses a JSON configuration.
     *
     * @throws IllegalArgumentException naming the malformed or unknown field
     */
    public static StudyConfig parse(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("study configuration is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return fromJson(root);
    }

    /** Reads a JSON configuration file; the message names the file. */
    public static StudyConfig read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("study configuration " + file + " does not exist", e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes this configuration as pretty JSON, atomically. */
    public void write(Path file) throws IOException {
        dev.densify.text.AtomicFiles.write(file, (toJsonString() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Builds a configuration from a JSON object (see the class comment). */
    public static StudyConfig fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("study configuration must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "' in study configuration (known: "
                        + String.join(", ", sortedFields()) + ")");
            }
        }
        StudyConfig d = defaults(1);
        List<AttributionMethod> components = d.components();
        if (root.has("components")) {
            JsonNode a = root.get("components");
            if (a.isTextual()) {
                components = parseMethods(a.asText());
            } else if (a.isArray()) {
                components = new ArrayList<>();
                for (JsonNode c : a) {
                    if (!c.isTextual()) {
                        throw new IllegalArgumentException("components must be method names, got " + c);
                    }
                    components.add(parseMethod(c.asText()));
                }
            } else {
                throw new IllegalArgumentException("components must be a list of method names, got " + a);
            }
        }
        List<ExtraDimension> extras = new ArrayList<>();
        if (root.has("extras") && !root.get("extras").isNull()) {
            JsonNode a = root.get("extras");
            if (!a.isArray()) {
                throw new IllegalArgumentException("extras must be a list, got " + a);
            }
            for (JsonNode e : a) {
                if (!e.isObject()) {
                    throw new IllegalArgumentException("an extra dimension must be an object, got " + e);
                }
                for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!Set.of("name", "lower", "upper", "log").contains(f)) {
                        throw new IllegalArgumentException("unknown field '" + f + "' in an extra dimension "
                                + "(known: name, lower, upper, log)");
                    }
                }
                String name = e.path("name").isTextual() ? e.get("name").asText() : null;
                extras.add(new ExtraDimension(name, number(e, "lower", name), number(e, "upper", name),
                        e.path("log").asBoolean(true)));
            }
        }
        ObjectiveKind objective = root.has("objective") ? ObjectiveKind.parse(text(root, "objective"))
                : d.objective();
        if (!root.has("trials")) {
            throw new IllegalArgumentException("study configuration needs 'trials'");
        }
        int trials = integer(root, "trials");
        int parallel = root.has("parallel") ? integer(root, "parallel") : 1;
        int seeds = root.has("seeds_per_trial") ? integer(root, "seeds_per_trial") : 1;
        int initial = root.has("initial_design") ? integer(root, "initial_design") : 0;
        long seed = 0;
        if (root.has("seed")) {
            JsonNode s = root.get("seed");
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw new IllegalArgumentException("seed must be an integer, got " + s);
            }
            seed = s.asLong();
        }
        TreeMap<String, String> settings = new TreeMap<>();
        if (root.has("objective_settings") && !root.get("objective_settings").isNull()) {
            JsonNode s = root.get("objective_settings");
            if (!s.isObject()) {
                throw new IllegalArgumentException("objective_settings must be an object, got " + s);
            }
            s.properties().forEach(e -> settings.put(e.getKey(), e.getValue().isTextual()
                    ? e.getValue().asText() : e.getValue().toString()));
        }
        List<Map<String, Double>> blends = new ArrayList<>();
        if (root.has("fixed_blends") && !root.get("fixed_blends").isNull()) {
            JsonNode a = root.get("fixed_blends");
            if (!a.isArray()) {
                throw new IllegalArgumentException("fixed_blends must be a list of {method: weight} objects, got " + a);
            }
            for (JsonNode b : a) {
                if (!b.isObject()) {
                    throw new IllegalArgumentException("a fixed blend must be a {method: weight} object, got " + b);
                }
                java.util.LinkedHashMap<String, Double> m = new java.util.LinkedHashMap<>();
                for (var e : b.properties()) {
                    if (!e.getValue().isNumber()) {
                        throw new IllegalArgumentException("fixed blend weight of " + e.getKey() + " must be a number, got "
                                + e.getValue());
                    }
                    m.put(e.getKey(), e.getValue().asDouble());
                }
                blends.add(m);
            }
        }
        double klPenalty = DEFAULT_KL_PENALTY;
        if (root.has("kl_penalty")) {
            JsonNode k = root.get("kl_penalty");
            if (!k.isNumber()) {
                throw new IllegalArgumentException("kl_penalty must be a number, got " + k);
            }
            klPenalty = k.asDouble();
        }
        return new StudyConfig(components, extras, objective, trials, parallel, seeds, initial, seed, settings, blends,
                klPenalty);
    }

    private static List<String> sortedFields() {
        return FIELDS.stream().sorted().toList();
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string, got " + n);
        }
        return n.asText();
    }

    private static int integer(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be an integer, got " + n);
        }
        return n.asInt();
    }

    private static double number(JsonNode e, String field, String name) {
        JsonNode n = e.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("extra dimension " + name + " needs a number '" + field + "', got " + n);
        }
        return n.asDouble();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
