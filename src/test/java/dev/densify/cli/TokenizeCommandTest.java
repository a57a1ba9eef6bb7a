package dev.densify.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.engine.Json;
import dev.densify.testing.ReferenceBpe;
import dev.densify.text.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizeCommandTest {

    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void printsIdsTokensAndSpansOfAHuggingFaceTokenizer() throws Exception {
        ReferenceBpe bpe = ReferenceBpe.train(List.of("hello world, hello there", "héllo wörld 👋"), 60);
        bpe.writeTokenizerJson(tmp.resolve("tokenizer.json"));
        String text = "hello wörld 👋!";
        CliRun r = run("tokenize", "--tokenizer", tmp.toString(), "--text", text, "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode node = Json.MAPPER.readTree(r.out());
        int[] ids = new int[node.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = node.get("ids").get(i).asInt();
        }
        assertArrayEquals(bpe.encode(text), ids);
        assertEquals(text, node.get("decoded").asText());
        assertEquals(ids.length, node.get("starts").size());
        Path input = tmp.resolve("in.txt");
        Files.writeString(input, text);
        CliRun plain = run("tokenize", "--tokenizer", tmp.resolve("tokenizer.json").toString(), "--input", input.toString());
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.out().startsWith(ids.length + " tokens"), plain.out());
        assertTrue(plain.out().contains("[hello]"), plain.out());
    }

    @Test
    void readsAWordTokenizerAndNamesBadInput() throws Exception {
        WordTokenizer words = WordTokenizer.of(List.of("good", "movie"), 16);
        Path file = tmp.resolve("words.json");
        words.save(file);
        CliRun r = run("tokenize", "--tokenizer", file.toString(), "--text", "good movie", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(words.id("movie"), Json.MAPPER.readTree(r.out()).get("ids").get(1).asInt());

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        CliRun missing = run("tokenize", "--tokenizer", empty.toString(), "--text", "x");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("has no tokenizer.json"), missing.err());
        CliRun both = run("tokenize", "--tokenizer", file.toString(), "--text", "x", "--input", file.toString());
        assertEquals(2, both.code());
        CliRun none = run("tokenize", "--tokenizer", file.toString());
        assertEquals(2, none.code());
    }
}
