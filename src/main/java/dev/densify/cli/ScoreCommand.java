package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.model.RewardModel;
import dev.densify.text.Tokenizer;
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

/**
 * {@code densify score}: reward-model scores of sequences, as token ids or texts (encoded with
 * {@code --tokenizer}, default the model's); a TorchScript module takes its vocabulary from its
 * tokenizer.
 */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score sequences with a reward model.")
final class ScoreCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--reward-model", required = true, paramLabel = "F",
            description = "Reward-model checkpoint (file or Hugging Face directory), or a TorchScript module (.pt).")
    Path rewardModel;

    @Mixin
    RewardLabel.Option rewardLabel;

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
        boolean script = RewardModel.isTorchScript(rewardModel);
        Tokenizer t = texts != null || script ? tokenizer.load(rewardModel) : null;
        float[] scores;
        String[] shown = new String[texts == null ? 0 : texts.size()];
        try {
            int[][] batch = texts == null ? sequences.toArray(int[][]::new) : Texts.encode(t, texts, "--text");
            for (int i = 0; i < shown.length; i++) {
                shown[i] = Texts.bounded(t, batch[i]);
            }
            main.configureEngine();
            // A TorchScript module declares no vocabulary: its tokenizer's bounds the ids.
            try (RewardModel model = RewardModel.load(rewardModel, main.device(), rewardLabel.label(),
                    () -> t.vocabularySize())) {
                scores = model.score(batch);
            }
        } finally {
            if (t instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    main.err().println("densify: warning: cannot close the tokenizer: " + e.getMessage());
                }
            }
        }
        if (json) {
            ObjectNode node = Json.object();
            ArrayNode list = node.putArray("scores");
            for (float s : scores) {
                list.add(s);
            }
            Json.print(main.out(), node);
        } else {
            for (int i = 0; i < scores.length; i++) {
                // A text's score with the tokens it was scored as.
                main.out().println(i < shown.length ? scores[i] + "\t" + shown[i] : Float.toString(scores[i]));
            }
        }
        return 0;
    }
}
