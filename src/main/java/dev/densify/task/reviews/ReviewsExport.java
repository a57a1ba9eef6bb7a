package dev.densify.task.reviews;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;
import dev.densify.model.Model;
import dev.densify.text.AtomicFiles;
import dev.densify.text.WordTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The built-in task as the files a user brings ({@code densify export}): the SFT policy and the
 * reward model as Hugging Face GPT-2 directories whose {@code tokenizer.json} is the task's word
 * tokenizer in Hugging Face's WordLevel form, and the PPO prompts as JSONL. Trained with
 * {@code --policy}, {@code --reward-model} and {@code --prompts}, they give the same run as
 * {@code --task-dir}: the prompts are written with their bos ({@code "<bos> the food"}), which
 * the tokenizer encodes as the special token, and the mask token is what SHAP and LIME put in.
 */
public final class ReviewsExport {

    public static final String POLICY_DIR = "policy";
    public static final String REWARD_DIR = "reward";
    public static final String PROMPTS_FILE = "prompts.jsonl";
    public static final String EVAL_PROMPTS_FILE = "eval-prompts.jsonl";

    private ReviewsExport() {
    }

    /**
     * Writes the export into {@code out}, which must not exist; it is built beside it and renamed
     * into place, so it appears complete or not at all.
     *
     * @throws IllegalArgumentException when {@code out} exists
     */
    public static void write(ReviewsTask task, Path out) {
        if (Files.exists(out)) {
            throw new IllegalArgumentException("cannot export to " + out + ": it exists");
        }
        try {
            AtomicFiles.writeDirectory(out, partial -> {
                Path tokenizerDir = Files.createDirectory(partial.resolve(".tokenizer"));
                List<Path> tokenizer = task.tokenizer().writeHuggingFace(tokenizerDir);
                Model.SpecialIds ids = new Model.SpecialIds(WordTokenizer.BOS, WordTokenizer.EOS, WordTokenizer.PAD);
                task.policy().saveDirectory(partial.resolve(POLICY_DIR), tokenizer, ids);
                task.rewardModel().saveDirectory(partial.resolve(REWARD_DIR), tokenizer, ids);
                AtomicFiles.deleteRecursively(tokenizerDir);
                ReviewDataset data = task.dataset();
                Files.write(partial.resolve(PROMPTS_FILE), lines(data.trainPrompts()));
                Files.write(partial.resolve(EVAL_PROMPTS_FILE), lines(data.testPrompts()));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export to " + out + ": " + e.getMessage(), e);
        }
    }

    /** One {"prompt": "<bos> words"} per line. */
    private static byte[] lines(List<ReviewDataset.Prompt> prompts) {
        StringBuilder sb = new StringBuilder();
        for (ReviewDataset.Prompt p : prompts) {
            ObjectNode node = Json.MAPPER.createObjectNode();
            node.put("prompt", WordTokenizer.BOS_TOKEN + " " + p.text());
            sb.append(node).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
