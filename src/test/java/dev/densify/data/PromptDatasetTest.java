package dev.densify.data;

import dev.densify.text.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptDatasetTest {

    private static final WordTokenizer WORDS = WordTokenizer.of(
            List.of("the", "movie", "was", "great", "User:", "Assistant:", "System:", "be", "kind", "hi"), 64);

    @TempDir
    Path tmp;

    private Path file(String name, String... lines) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void readsJsonlByKeyAndChatsAndFiltersByLength() throws Exception {
        Path f = file("p.jsonl",
                "{\"prompt\": \"the movie was\"}",
                "",
                "{\"prompt\": \"the movie was great the movie was great\", \"other\": 1}",
                "{\"messages\": [{\"role\": \"system\", \"content\": \"be kind\"}, {\"role\": \"user\", \"content\": \"hi\"}]}");
        PromptDataset d = PromptDataset.read(f, "prompt", WORDS, 7, new int[]{WordTokenizer.BOS});
        assertEquals(3, d.read());
        assertEquals(1, d.tooLong());
        assertEquals(List.of("the movie was", "System: be kind\nUser: hi\nAssistant:"), d.texts());
        int[] first = d.prompts().get(0);
        assertArrayEquals(new int[]{WordTokenizer.BOS, WORDS.id("the"), WORDS.id("movie"), WORDS.id("was")}, first);
        assertEquals(1 + 6, d.prompts().get(1).length); // the chat: six words and the bos
        // Another key.
        Path g = file("q.jsonl", "{\"text\": \"hi\"}");
        assertEquals(List.of("hi"), PromptDataset.read(g, "text", WORDS, 8, new int[0]).texts());
    }

    @Test
    void readsPlainTextOneALine() throws Exception {
        Path f = file("p.txt", "the movie", "   ", "was great");
        PromptDataset d = PromptDataset.read(f, "prompt", WORDS, 8, new int[0]);
        assertEquals(List.of("the movie", "was great"), d.texts());
        assertEquals(2, d.read());
    }

    @Test
    void badLinesNameTheirLine() throws Exception {
        String[][] cases = {
                {"{\"prompt\": \"hi\"}\n{not json", ":2: not valid JSON"},
                {"[1, 2]", ":1: not a JSON object"},
                {"{\"text\": \"hi\"}", ":1: no key 'prompt'"},
                {"{\"prompt\": 3}", ":1: 'prompt' is not a string"},
                {"{\"prompt\": \"\"}", ":1: text is empty"},
                {"{\"messages\": []}", ":1: 'messages' must be a non-empty list"},
                {"{\"messages\": [{\"role\": \"user\"}]}", ":1: message 0 needs a string 'role' and 'content'"}};
        for (String[] c : cases) {
            Path f = tmp.resolve("bad.jsonl");
            Files.writeString(f, c[0] + "\n");
            var e = assertThrows(IllegalArgumentException.class, () -> PromptDataset.read(f, "prompt", WORDS, 8, new int[0]));
            assertTrue(e.getMessage().contains(f + c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void emptyMissingAndAllTooLongAreErrors() throws Exception {
        Path empty = file("e.jsonl", "", "  ");
        var e = assertThrows(IllegalArgumentException.class, () -> PromptDataset.read(empty, "prompt", WORDS, 8, new int[0]));
        assertTrue(e.getMessage().contains("has no prompts"), e.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> PromptDataset.read(tmp.resolve("nope.jsonl"), "prompt", WORDS, 8, new int[0]));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        Path longOnes = file("l.txt", "the movie was great");
        var tooLong = assertThrows(IllegalArgumentException.class, () -> PromptDataset.read(longOnes, "prompt", WORDS, 2, new int[0]));
        assertTrue(tooLong.getMessage().contains("longer than 2 tokens"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromptDataset.read(longOnes, "prompt", WORDS, 0, new int[0]));
    }
}
