package dev.densify.task.reviews;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewDatasetTest {

    private static final List<String> FILES = List.of(
            "train.jsonl", "validation.jsonl", "test.jsonl", "prompts-train.jsonl", "prompts-test.jsonl");

    @Test
    void sameSeedWritesTheSameBytes(@TempDir Path tmp) throws IOException {
        ReviewDataset.generate(5, 300, 50, 60).write(tmp.resolve("a"));
        ReviewDataset.generate(5, 300, 50, 60).write(tmp.resolve("b"));
        ReviewDataset.generate(6, 300, 50, 60).write(tmp.resolve("c"));
        for (String f : FILES) {
            byte[] a = Files.readAllBytes(tmp.resolve("a").resolve(f));
            assertTrue(a.length > 0, f);
            assertArrayEquals(a, Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
            assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(tmp.resolve("c").resolve(f))), f);
        }
        try (Stream<Path> s = Files.list(tmp.resolve("a"))) {
            assertEquals(FILES.size(), s.count(), "no temporary files are left behind");
        }
    }

    @Test
    void splitsHaveTheSizesAreDistinctAndPromptsOpenHeldOutReviews() {
        ReviewDataset d = ReviewDataset.generate(8, 500, 80, 90);
        assertEquals(500, d.train().size());
        assertEquals(80, d.validation().size());
        assertEquals(90, d.test().size());
        Set<String> texts = new HashSet<>();
        Stream.of(d.train(), d.validation(), d.test()).flatMap(List::stream).forEach(r -> texts.add(r.text()));
        assertEquals(670, texts.size(), "texts are unique across splits");
        checkPrompts(d.trainPrompts(), d.validation());
        checkPrompts(d.testPrompts(), d.test());
        Set<Integer> lengths = new HashSet<>();
        d.testPrompts().forEach(p -> lengths.add(p.words().size()));
        assertEquals(Set.of(2, 3, 4, 5), lengths);
    }

    private static void checkPrompts(List<ReviewDataset.Prompt> prompts, List<Review> source) {
        assertEquals(source.size(), prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            ReviewDataset.Prompt p = prompts.get(i);
            int k = p.words().size();
            assertTrue(k >= 2 && k <= 5, p.text());
            assertEquals(source.get(i).words().subList(0, k), p.words());
            assertEquals(String.join(" ", p.words()), p.text());
        }
    }

    @Test
    void jsonLinesReadBackToTheReviews(@TempDir Path tmp) throws IOException {
        ReviewDataset d = ReviewDataset.generate(1, 40, 10, 10);
        d.write(tmp);
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(tmp.resolve("train.jsonl"));
        assertEquals(40, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode o = json.readTree(lines.get(i));
            Review r = d.train().get(i);
            List<String> words = new ArrayList<>();
            o.get("words").forEach(w -> words.add(w.asText()));
            assertEquals(r, new Review(o.get("text").asText(), words, o.get("label").asInt(), o.get("sentiment").asDouble()));
            assertEquals(SentimentFunction.sentiment(o.get("text").asText()), o.get("sentiment").asDouble(), 0.0);
        }
        JsonNode p = json.readTree(Files.readAllLines(tmp.resolve("prompts-test.jsonl")).getFirst());
        assertEquals(d.testPrompts().getFirst().text(), p.get("text").asText());
    }

    @Test
    void badSizesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReviewDataset.generate(1, 10, -1, 10));
        assertTrue(e.getMessage().contains("validation=-1"), e.getMessage());
        ReviewDataset empty = ReviewDataset.generate(1, 0, 0, 0);
        assertTrue(empty.train().isEmpty() && empty.testPrompts().isEmpty());
    }
}
