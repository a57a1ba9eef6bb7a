package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.model.Generation;
import dev.densify.model.GenerationOptions;
import dev.densify.model.Policy;
import dev.densify.text.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code densify generate}: samples continuations of token-id prompts. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Sample continuations of prompts.")
final class GenerateCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--policy", required = true, paramLabel = "F", description = "Policy checkpoint (file or directory).")
    Path policy;

    @Option(names = "--prompt-ids", paramLabel = "IDS", converter = TokenIds.class,
            description = "A prompt as comma-separated token ids; repeat for a batch.")
    List<int[]> prompts;

    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "A prompt as text (encoded with --tokenizer); repeat for a batch. Responses stop at its eos.")
    List<String> texts;

    @Mixin
    Texts.TokenizerOption tokenizer;

    @Option(names = "--max-new-tokens", required = true, paramLabel = "N", description = "Tokens to generate per prompt.")
    int maxNewTokens;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default: 0).")
    long seed;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T", description = "0 = greedy (default: 1).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "0 = off (default).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P", description = "In (0, 1]; 1 = off (default).")
    double topP;

    @Option(names = "--stop-token", defaultValue = "-1", paramLabel = "ID", description = "-1 = none (default).")
    int stopToken;

    @Option(names = "--pad-token", defaultValue = "0", paramLabel = "ID", description = "Written after a stop (default: 0).")
    int padToken;

    @Option(names = "--no-cache", description = "Recompute the whole sequence each step instead of using the KV cache.")
    boolean noCache;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
        GenerationOptions options;
        try {
            options = new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, !noCache);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if ((prompts == null) == (texts == null)) {
            throw new ParameterException(spec.commandLine(), "give the prompts as --prompt-ids or as --prompt, one of the two");
        }
        Tokenizer text = texts == null ? null : tokenizer.load(policy);
        if (text != null && stopToken == -1 && text.specialTokens().eos() >= 0) {
            options = options.withStopToken(text.specialTokens().eos());
        }
        int[][] batch = text == null ? prompts.toArray(int[][]::new) : Texts.encode(text, texts, "--prompt");
        main.configureEngine();
        Generation generation;
        try (Policy model = Policy.load(policy, main.device())) {
            generation = model.generate(batch, options);
        }
        if (json) {
            ObjectNode node = Json.object();
            ArrayNode sequences = node.putArray("sequences");
            for (int i = 0; i < batch.length; i++) {
                ObjectNode s = sequences.addObject();
                ArrayNode prompt = s.putArray("prompt");
                Arrays.stream(batch[i]).forEach(prompt::add);
                ArrayNode tokens = s.putArray("tokens");
                Arrays.stream(generation.tokens()[i]).forEach(tokens::add);
                ArrayNode logprobs = s.putArray("logprobs");
                for (float lp : generation.logprobs()[i]) {
                    logprobs.add(lp);
                }
                s.put("length", generation.lengths()[i]);
                if (text != null) {
                    s.put("prompt_text", texts.get(i));
                    s.put("text", text.decode(generation.tokens()[i]));
                }
            }
            Json.print(main.out(), node);
        } else {
            for (int i = 0; i < batch.length; i++) {
                double sum = 0;
                for (float lp : generation.logprobs()[i]) {
                    sum += lp;
                }
                if (text != null) {
                    main.out().printf("%s -> %s  (%d tokens, log-prob %.4f)%n", texts.get(i),
                            Texts.bounded(text, generation.tokens()[i]), generation.lengths()[i], sum);
                } else {
                    main.out().printf("%s -> %s  (%d tokens, log-prob %.4f)%n", join(batch[i]),
                            join(generation.tokens()[i]), generation.lengths()[i], sum);
                }
            }
        }
        return 0;
    }

    private static String join(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
