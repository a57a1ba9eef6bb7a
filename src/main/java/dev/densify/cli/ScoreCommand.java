package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.model.RewardModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code densify score}: reward-model scores of token-id sequences. */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score sequences with a reward model.")
final class ScoreCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--reward-model", required = true, paramLabel = "F",
            description = "Reward-model checkpoint (file or directory).")
    Path rewardModel;

    @Option(names = "--ids", paramLabel = "IDS", converter = TokenIds.class,
            description = "A sequence as comma-separated token ids; repeat for a batch.")
    List<int[]> sequences;

    @Option(names = "--text", paramLabel = "TEXT",
            description = "A sequence as text (encoded with --tokenizer); repeat for a batch.")
    List<String> texts;

    @Mixin
    Texts.TokenizerOption tokenizer;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
        if ((sequences == null) == (texts == null)) {
            throw new ParameterException(spec.commandLine(), "give the sequences as --ids or as --text, one of the two");
        }
        int[][] batch = texts == null ? sequences.toArray(int[][]::new)
                : Texts.encode(tokenizer.load(rewardModel), texts, "--text");
        main.configureEngine();
        float[] scores;
        try (RewardModel model = RewardModel.load(rewardModel, main.device())) {
            scores = model.score(batch);
        }
        if (json) {
            ObjectNode node = Json.object();
            ArrayNode list = node.putArray("scores");
            for (float s : scores) {
                list.add(s);
            }
            Json.print(main.out(), node);
        } else {
            for (float s : scores) {
                main.out().println(s);
            }
        }
        return 0;
    }
}
