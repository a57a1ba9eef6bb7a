package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.text.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code densify tokenize}: the ids, tokens and character spans of a text under any tokenizer. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Print the token ids, tokens and character spans [start, end) of a text.",
                "The tokenizer is a Hugging Face tokenizer.json (or a model directory with one) or a densify word "
                        + "tokenizer file."})
final class TokenizeCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH",
            description = "tokenizer.json, a directory holding one, or a densify word tokenizer.")
    Path tokenizer;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "The text.")
        String text;

        @Option(names = "--input", paramLabel = "F", description = "A UTF-8 file whose whole content is the text.")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--json", description = "Print JSON on stdout: ids, tokens, starts, ends, decoded.")
    boolean json;

    @Override
    public Integer call() {
        String text = input.text != null ? input.text : read(input.file);
        Tokenizer t = Tokenizer.load(tokenizer);
        Tokenizer.Encoding e = t.encodeWithOffsets(text);
        int[] ids = e.ids();
        int[] starts = e.starts();
        int[] ends = e.ends();
        if (json) {
            ObjectNode node = Json.object();
            ArrayNode idList = node.putArray("ids");
            ArrayNode tokens = node.putArray("tokens");
            ArrayNode startList = node.putArray("starts");
            ArrayNode endList = node.putArray("ends");
            for (int i = 0; i < ids.length; i++) {
                idList.add(ids[i]);
                tokens.add(t.token(ids[i]));
                startList.add(starts[i]);
                endList.add(ends[i]);
            }
            node.put("decoded", t.decode(ids));
            Json.print(main.out(), node);
            return 0;
        }
        main.out().printf("%d tokens (vocabulary %d)%n", ids.length, t.vocabularySize());
        for (int i = 0; i < ids.length; i++) {
            main.out().printf("%6d  %-20s [%d, %d) %s%n", ids[i], quoted(t.token(ids[i])), starts[i], ends[i],
                    quoted(text.substring(starts[i], ends[i])));
        }
        StringBuilder bounded = new StringBuilder();
        int at = 0;
        for (int i = 0; i < ids.length; i++) {
            if (starts[i] >= at) {
                bounded.append(text, at, starts[i]).append('[').append(text, starts[i], ends[i]).append(']');
                at = ends[i];
            }
        }
        main.out().println(bounded.append(text.substring(at)));
        return 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("input file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                sb.append('\\').appendCodePoint(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append('"').toString();
    }
}
