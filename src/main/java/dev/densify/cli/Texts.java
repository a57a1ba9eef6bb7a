package dev.densify.cli;

import dev.densify.text.HuggingFaceTokenizer;
import dev.densify.text.Tokenizer;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Text given on the command line: its tokenizer, its ids, and ids shown as text with their boundaries. */
final class Texts {

    private Texts() {
    }

    /** {@code --tokenizer} of the commands that take text. */
    static final class TokenizerOption {
        @Option(names = "--tokenizer", paramLabel = "PATH",
                description = "tokenizer.json for text input (default: the model's directory).")
        Path path;

        /** The tokenizer given, else the tokenizer.json beside or inside the model. */
        Tokenizer load(Path model) {
            if (path != null) {
                return Tokenizer.load(path);
            }
            return Tokenizer.load(Tokenizer.besideModel(model));
        }

        /** As {@link #load}, but null when none is given and the model has none beside or inside it. */
        Tokenizer find(Path model) {
            Path beside = Tokenizer.besideModel(model);
            Path file = Files.isDirectory(beside) ? beside.resolve(HuggingFaceTokenizer.FILE) : beside;
            return path == null && !Files.isRegularFile(file) ? null : load(model);
        }
    }

    static int[][] encode(Tokenizer tokenizer, List<String> texts, String option) {
        int[][] out = new int[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokenizer.encode(texts.get(i));
            if (out[i].length == 0) {
                throw new IllegalArgumentException(option + " " + (i + 1) + " has no tokens");
            }
        }
        return out;
    }

    /** The text of {@code ids} with every token in brackets. */
    static String bounded(Tokenizer tokenizer, int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append('[').append(tokenizer.decode(new int[]{id})).append(']');
        }
        return sb.toString();
    }
}
