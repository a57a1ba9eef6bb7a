package dev.densify.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.ScoredSequence;
import dev.densify.engine.Densify;
import dev.densify.engine.RuntimeInfo;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.Generation;
import dev.densify.model.GenerationOptions;
import dev.densify.model.Policy;
import dev.densify.model.PolicyOutput;
import dev.densify.model.RewardModel;
import dev.densify.model.TokenBatch;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The densify side of {@code benchmarks/compare}: a long-lived process that reads one JSON
 * request per line on stdin and answers one JSON line on stdout, so that workloads can be
 * interleaved with the Python baseline without process start-up in the timings.
 *
 * <pre>
 * {"op":"setup","workload":"score"|"generate_cache"|"generate_nocache"|"shap"|"lime"|"attention",
 *  "checkpoint":PATH,"inputs":PATH,"threads":N,"device":"cpu"|"cuda"[,"samples":S,"seed":K]}
 *                                                                -> {"ok":true}
 * {"op":"outputs"}                                               -> {"ok":true,"outputs":{...}}
 * {"op":"time","reps":R}                                         -> {"ok":true,"seconds":[...]}
 * {"op":"attribute","samples":S,"seed":K}  (shap, lime)          -> {"ok":true,"values":[[...]],"full":[...],
 *                                                                    "baseline":[...],"evaluations":[...],"seconds":T}
 * {"op":"info"}                                                  -> {"ok":true,...versions...}
 * {"op":"quit"}                                                  -> {"ok":true}, then exits
 * </pre>
 * Failures answer {@code {"ok":false,"error":"..."}} and the worker keeps serving.
 *
 * <p>Inputs files (written by the driver): for {@code score}
 * {@code {"ids":[[..]],"mask":[[..]],"batch_size":B,"check":{"ids":..,"mask":..}}}; for the
 * generation workloads {@code {"prompts":[[..]],"max_new_tokens":N,"temperature":T,"seed":S,
 * "check":{"prompts":[[..]]}}}. Timed generation samples at {@code temperature}; the outputs
 * for the agreement check are greedy. For the attribution workloads
 * {@code {"prompts":[[..]],"responses":[[..]],"samples":S,"seed":K,"baseline_token":B,
 * "check":{"prompts":..,"responses":..,"samples":S,"seed":K}}}: one call attributes every
 * sequence ({@code samples} and {@code seed} of the setup request, when given, replace the file's).
 *
 * <p>Anything else the process prints goes to stderr; stdout carries only the protocol.
 */
public final class Worker {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Workload extends AutoCloseable {
        /** Untimed, before each timed call (e.g. restore the weights a PPO step changes). */
        default void prepare() {
        }

        void run();

        ObjectNode outputs();

        @Override
        void close();
    }

    private Workload current;

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Worker worker = new Worker();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            ObjectNode reply;
            boolean quit = false;
            try {
                JsonNode request = JSON.readTree(line);
                String op = text(request, "op");
                quit = op.equals("quit");
                reply = worker.handle(op, request);
            } catch (Throwable e) {
                reply = JSON.createObjectNode();
                reply.put("ok", false);
                reply.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            out.println(JSON.writeValueAsString(reply));
            if (quit) {
                break;
            }
        }
        worker.close();
    }

    private ObjectNode handle(String op, JsonNode request) throws Exception {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("ok", true);
        switch (op) {
            case "setup" -> setup(request);
            case "outputs" -> reply.set("outputs", workload().outputs());
            case "attribute" -> {
                if (!(workload() instanceof Attribute a) || a.method.equals("attention")) {
                    throw new IllegalStateException("'attribute' needs a shap or lime workload");
                }
                a.attributeOp(request, reply);
            }
            case "time" -> {
                int reps = request.path("reps").asInt(1);
                if (reps < 1) {
                    throw new IllegalArgumentException("reps must be >= 1, got " + reps);
                }
                Workload w = workload();
                ArrayNode seconds = reply.putArray("seconds");
                for (int r = 0; r < reps; r++) {
                    w.prepare();
                    long start = System.nanoTime();
                    w.run();
                    seconds.add((System.nanoTime() - start) / 1e9);
                }
            }
            case "info" -> {
                reply.put("side", "densify");
                reply.put("densify", Densify.version());
                reply.put("torch", Densify.torchVersion());
                reply.put("threads", Densify.threads());
                reply.put("cuda_compiled", Densify.cudaCompiled());
                reply.put("cuda_devices", Densify.cudaDeviceCount());
                reply.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
                reply.put("library", Densify.libraryPath().toString());
                reply.put("attention", Densify.attentionKernel().name().toLowerCase(java.util.Locale.ROOT));
                RuntimeInfo.Blas blas = Densify.runtime().blas();
                var blasNode = reply.putObject("blas");
                blasNode.put("vendor", blas.vendor().name().toLowerCase(java.util.Locale.ROOT));
                blasNode.put("version", blas.version());
                blasNode.put("path", blas.library().path());
                blasNode.put("reference", blas.isReference());
            }
            case "quit" -> close();
            default -> throw new IllegalArgumentException("unknown op '" + op + "'");
        }
        return reply;
    }

    private Workload workload() {
        if (current == null) {
            throw new IllegalStateException("no workload: send a setup request first");
        }
        return current;
    }

    private void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    private void setup(JsonNode request) throws Exception {
        close();
        String workload = text(request, "workload");
        Path checkpoint = Path.of(text(request, "checkpoint"));
        JsonNode inputs = JSON.readTree(Path.of(text(request, "inputs")).toFile());
        int threads = request.path("threads").asInt(0);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be given and >= 1");
        }
        String device = request.path("device").asText("cpu");
        device = device.equals("cuda") ? "cuda:0" : device;
        Densify.setThreads(threads);
        current = switch (workload) {
            case "score" -> new Score(RewardModel.load(checkpoint, device), inputs);
            case "generate_cache" -> new Generate(Policy.load(checkpoint, device), inputs, true);
            case "generate_nocache" -> new Generate(Policy.load(checkpoint, device), inputs, false);
            case "shap", "lime", "attention" -> new Attribute(workload, RewardModel.load(checkpoint, device), inputs, request);
            case "ppo_rollout" -> PpoWorkloads.rollout(checkpoint, inputs, device);
            case "ppo_update" -> PpoWorkloads.update(checkpoint, inputs, device);
            default -> throw new IllegalArgumentException("unknown workload '" + workload + "'");
        };
    }

    /** Reward scoring of a batch (in minibatches of {@code batch_size} rows, default all). */
    private static final class Score implements Workload {
        private final RewardModel model;
        private final List<TokenBatch> minibatches = new ArrayList<>();
        private final TokenBatch check;

        Score(RewardModel model, JsonNode inputs) {
            this.model = model;
            int[][] ids = matrix(inputs.get("ids"), "ids");
            int[][] mask = matrix(inputs.get("mask"), "mask");
            int size = inputs.path("batch_size").asInt(ids.length);
            for (int start = 0; start < ids.length; start += size) {
                int end = Math.min(ids.length, start + size);
                minibatches.add(new TokenBatch(Arrays.copyOfRange(ids, start, end), Arrays.copyOfRange(mask, start, end)));
            }
            JsonNode c = inputs.path("check");
            check = c.has("ids") ? new TokenBatch(matrix(c.get("ids"), "check.ids"), matrix(c.get("mask"), "check.mask")) : null;
        }

        @Override
        public void run() {
            for (TokenBatch b : minibatches) {
                model.score(b);
            }
        }

        @Override
        public ObjectNode outputs() {
            ObjectNode o = JSON.createObjectNode();
            ArrayNode scores = o.putArray("scores");
            for (TokenBatch b : minibatches) {
                for (float s : model.score(b)) {
                    scores.add(s);
                }
            }
            if (check != null) {
                ArrayNode cs = o.putArray("check_scores");
                for (float s : model.score(check)) {
                    cs.add(s);
                }
            }
            return o;
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** Sampling (timed) or greedy decoding (outputs), with or without the KV cache. */
    private static final class Generate implements Workload {
        private final Policy model;
        private final int[][] prompts;
        private final int[][] checkPrompts;
        private final GenerationOptions timed;
        private final int logitsRows;
        private final int logitsPositions;

        Generate(Policy model, JsonNode inputs, boolean useCache) {
            this.model = model;
            this.logitsRows = inputs.path("logits_rows").asInt(Integer.MAX_VALUE);
            this.logitsPositions = inputs.path("logits_positions").asInt(Integer.MAX_VALUE);
            this.prompts = matrix(inputs.get("prompts"), "prompts");
            JsonNode c = inputs.path("check");
            this.checkPrompts = c.has("prompts") ? matrix(c.get("prompts"), "check.prompts") : null;
            this.timed = GenerationOptions.defaults()
                    .withMaxNewTokens(inputs.path("max_new_tokens").asInt(32))
                    .withTemperature(inputs.path("temperature").asDouble(1.0))
                    .withSeed(inputs.path("seed").asLong(0))
                    .withUseCache(useCache);
        }

        @Override
        public void run() {
            model.generate(prompts, timed);
        }

        @Override
        public ObjectNode outputs() {
            ObjectNode o = JSON.createObjectNode();
            GenerationOptions greedy = timed.greedy();
            Generation g = model.generate(prompts, greedy);
            putGeneration(o, "", g);
            // Logits of the whole greedy sequences (prompt + continuation) from a forward pass.
            int[][] full = new int[prompts.length][];
            for (int b = 0; b < prompts.length; b++) {
                full[b] = new int[prompts[b].length + g.lengths()[b]];
                System.arraycopy(prompts[b], 0, full[b], 0, prompts[b].length);
                System.arraycopy(g.tokens()[b], 0, full[b], prompts[b].length, g.lengths()[b]);
            }
            // Only the first logitsRows rows' last logitsPositions positions, where the inputs say so.
            int rows = Math.min(full.length, logitsRows);
            TokenBatch batch = TokenBatch.leftPadded(Arrays.copyOf(full, rows), 0);
            PolicyOutput forward = model.forward(batch, ForwardOutputs.LOGITS);
            int rowSize = forward.seqLen() * forward.vocabSize();
            int keep = Math.min(forward.seqLen(), logitsPositions) * forward.vocabSize();
            ArrayNode logits = o.putArray("logits");
            for (int b = 0; b < forward.batchSize(); b++) {
                ArrayNode row = logits.addArray();
                for (int i = rowSize - keep; i < rowSize; i++) {
                    row.add(forward.logits()[b * rowSize + i]);
                }
            }
            if (checkPrompts != null) {
                putGeneration(o, "check_", model.generate(checkPrompts, greedy));
            }
            return o;
        }

        private static void putGeneration(ObjectNode o, String prefix, Generation g) {
            ArrayNode ids = o.putArray(prefix + "ids");
            ArrayNode logprobs = o.putArray(prefix + "logprobs");
            for (int b = 0; b < g.lengths().length; b++) {
                ArrayNode idRow = ids.addArray();
                ArrayNode lpRow = logprobs.addArray();
                for (int j = 0; j < g.lengths()[b]; j++) {
                    idRow.add(g.tokens()[b][j]);
                    lpRow.add(g.logprobs()[b][j]);
                }
            }
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * KernelSHAP, LIME or attention credit of every sequence in one call (the engine packs all
     * sequences' evaluations into shared forwards). Outputs: {@code values}, {@code full},
     * {@code baseline}, {@code evaluations} of the timed sequences and the same with a
     * {@code check_} prefix for the check sequences at the check's samples and seed.
     */
    private static final class Attribute implements Workload {
        private final String method;
        private final RewardModel model;
        private final List<ScoredSequence> sequences;
        private final List<ScoredSequence> checkSequences;
        private final int baselineToken;
        private final int samples;
        private final long seed;
        private final int checkSamples;
        private final long checkSeed;
        private final Attributor timed;

        Attribute(String method, RewardModel model, JsonNode inputs, JsonNode request) {
            this.method = method;
            this.model = model;
            try {
                this.sequences = sequences(inputs, "");
                JsonNode c = inputs.path("check");
                this.checkSequences = c.has("prompts") ? sequences(c, "check.") : List.of();
                this.baselineToken = inputs.path("baseline_token").asInt(0);
                this.samples = request.path("samples").asInt(inputs.path("samples").asInt(AttributionOptions.DEFAULT_SHAP_SAMPLES));
                this.seed = request.path("seed").asLong(inputs.path("seed").asLong(0));
                this.checkSamples = c.path("samples").asInt(samples);
                this.checkSeed = c.path("seed").asLong(seed);
                this.timed = attributor(samples, seed);
                attributor(checkSamples, checkSeed);  // validates the check's options before any work
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }

        private static List<ScoredSequence> sequences(JsonNode node, String prefix) {
            int[][] prompts = matrix(node.get("prompts"), prefix + "prompts");
            int[][] responses = matrix(node.get("responses"), prefix + "responses");
            if (prompts.length != responses.length) {
                throw new IllegalArgumentException("inputs: " + prompts.length + " " + prefix + "prompts but "
                        + responses.length + " " + prefix + "responses");
            }
            List<ScoredSequence> out = new ArrayList<>(prompts.length);
            for (int i = 0; i < prompts.length; i++) {
                out.add(new ScoredSequence(prompts[i], responses[i]));
            }
            return out;
        }

        private Attributor attributor(int samples, long seed) {
            return switch (method) {
                case "shap" -> Attributor.of(model, AttributionOptions.kernelShap().withSamples(samples).withSeed(seed)
                        .withBaselineToken(baselineToken));
                case "lime" -> Attributor.of(model, AttributionOptions.lime().withSamples(samples).withSeed(seed)
                        .withBaselineToken(baselineToken));
                case "attention" -> Attributor.of(model, AttributionOptions.attention().withBaselineToken(baselineToken));
                default -> throw new IllegalArgumentException("unknown attribution method '" + method + "'");
            };
        }

        @Override
        public void run() {
            timed.attribute(sequences);
        }

        @Override
        public ObjectNode outputs() {
            ObjectNode o = JSON.createObjectNode();
            put(o, "", timed.attribute(sequences));
            if (!checkSequences.isEmpty()) {
                put(o, "check_", attributor(checkSamples, checkSeed).attribute(checkSequences));
            }
            return o;
        }

        /** The timed sequences at another budget and seed (the error-versus-budget ladder), timed. */
        void attributeOp(JsonNode request, ObjectNode reply) {
            int s = request.path("samples").asInt(samples);
            long k = request.path("seed").asLong(seed);
            Attributor a = attributor(s, k);
            long start = System.nanoTime();
            List<Attribution> result = a.attribute(sequences);
            reply.put("seconds", (System.nanoTime() - start) / 1e9);
            put(reply, "", result);
        }

        private static void put(ObjectNode o, String prefix, List<Attribution> attributions) {
            ArrayNode values = o.putArray(prefix + "values");
            ArrayNode full = o.putArray(prefix + "full");
            ArrayNode baseline = o.putArray(prefix + "baseline");
            ArrayNode evaluations = o.putArray(prefix + "evaluations");
            for (Attribution a : attributions) {
                ArrayNode row = values.addArray();
                for (float v : a.values()) {
                    row.add(v);
                }
                full.add(a.full());
                baseline.add(a.baseline());
                evaluations.add(a.evaluations());
            }
        }

        @Override
        public void close() {
            model.close();
        }
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing string field '" + key + "'");
        }
        return v.asText();
    }

    private static int[][] matrix(JsonNode node, String name) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("inputs: '" + name + "' must be a non-empty array of arrays");
        }
        int[][] rows = new int[node.size()][];
        for (int b = 0; b < rows.length; b++) {
            JsonNode row = node.get(b);
            if (!row.isArray()) {
                throw new IllegalArgumentException("inputs: " + name + "[" + b + "] is not an array");
            }
            rows[b] = new int[row.size()];
            for (int t = 0; t < rows[b].length; t++) {
                rows[b][t] = row.get(t).asInt();
            }
        }
        return rows;
    }
}
