package dev.densify.task.reviews;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;
import dev.densify.text.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Train/validation/test splits of generated reviews plus policy prompts, all fixed by one seed.
 *
 * <p>Reviews are drawn by one {@link ReviewGenerator} and are unique across all splits (a
 * repeated text is skipped), so held-out texts never occur in training. Prompts are the
 * opening 2–5 words (uniform) of held-out reviews: {@code trainPrompts} from the validation
 * split (for RL training), {@code testPrompts} from the test split (for evaluation). Review
 * generation and prompt lengths use two streams split from {@code new SplittableRandom(seed)}.
 *
 * <p>{@link #write} produces, byte for byte the same for the same seed and sizes:
 * {@code train.jsonl}, {@code validation.jsonl}, {@code test.jsonl} (one
 * {@code {"text","words","label","sentiment"}} object per line) and {@code prompts-train.jsonl},
 * {@code prompts-test.jsonl} (one {@code {"text","words"}} object per line), UTF-8, "\n" line
 * ends.
 *
 * @param seed         the seed
 * @param train        training reviews
 * @param validation   validation reviews
 * @param test         test reviews
 * @param trainPrompts one prompt per validation review
 * @param testPrompts  one prompt per test review
 */
public record ReviewDataset(long seed, List<Review> train, List<Review> validation, List<Review> test,
                            List<Prompt> trainPrompts, List<Prompt> testPrompts) {

    /** Fewest prompt words. */
    public static final int MIN_PROMPT_WORDS = 2;
    /** Most prompt words. */
    public static final int MAX_PROMPT_WORDS = 5;


    /**
     * The opening words of a review.
     *
     * @param text  the words joined by single spaces
     * @param words the words
     */
    public record Prompt(String text, List<String> words) {
        public Prompt {
            Objects.requireNonNull(text, "text");
            words = List.copyOf(words);
        }
    }

    public ReviewDataset {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
        trainPrompts = List.copyOf(trainPrompts);
        testPrompts = List.copyOf(testPrompts);
    }

    /**
     * Generates the splits.
     *
     * @throws IllegalArgumentException if a size is negative
     */
    public static ReviewDataset generate(long seed, int trainSize, int validationSize, int testSize) {
        if (trainSize < 0 || validationSize < 0 || testSize < 0) {
            throw new IllegalArgumentException("split sizes must be ≥ 0, got train=" + trainSize
                    + ", validation=" + validationSize + ", test=" + testSize);
        }
        SplittableRandom root = new SplittableRandom(seed);
        ReviewGenerator generator = new ReviewGenerator(root.split());
        SplittableRandom promptRng = root.split();
        Set<String> seen = new HashSet<>();
        List<Review> train = draw(generator, trainSize, seen);
        List<Review> validation = draw(generator, validationSize, seen);
        List<Review> test = draw(generator, testSize, seen);
        return new ReviewDataset(seed, train, validation, test, prompts(validation, promptRng), prompts(test, promptRng));
    }

    private static List<Review> draw(ReviewGenerator generator, int n, Set<String> seen) {
        List<Review> out = new ArrayList<>(n);
        long budget = 100L * n + 1000; // duplicates are rare; the cap only stops a degenerate grammar
        while (out.size() < n) {
            if (budget-- == 0) {
                throw new IllegalStateException("could not draw " + n + " distinct reviews");
            }
            Review r = generator.next();
            if (seen.add(r.text())) {
                out.add(r);
            }
        }
        return out;
    }

    private static List<Prompt> prompts(List<Review> reviews, SplittableRandom rng) {
        List<Prompt> out = new ArrayList<>(reviews.size());
        for (Review r : reviews) {
            int k = MIN_PROMPT_WORDS + rng.nextInt(MAX_PROMPT_WORDS - MIN_PROMPT_WORDS + 1);
            List<String> words = r.words().subList(0, k); // reviews have ≥ 8 words
            out.add(new Prompt(String.join(" ", words), words));
        }
        return out;
    }

    /**
     * Writes the five JSON Lines files into a directory (created if missing). All files are
     * written to temporary files first and then renamed into place.
     */
    public void write(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory is null");
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(directory.resolve("train.jsonl"), reviewLines(train));
        files.put(directory.resolve("validation.jsonl"), reviewLines(validation));
        files.put(directory.resolve("test.jsonl"), reviewLines(test));
        files.put(directory.resolve("prompts-train.jsonl"), promptLines(trainPrompts));
        files.put(directory.resolve("prompts-test.jsonl"), promptLines(testPrompts));
        AtomicFiles.writeAll(files);
    }

    /**
     * Reads the five files written by {@link #write} (checking each review's label against its
     * sentiment, as {@link Review} does).
     *
     * @param seed recorded in the result (the files do not hold it)
     * @throws IOException naming the file and line of the first problem
     */
    public static ReviewDataset read(Path directory, long seed) throws IOException {
        Objects.requireNonNull(directory, "directory is null");
        return new ReviewDataset(seed, readReviews(directory.resolve("train.jsonl")),
                readReviews(directory.resolve("validation.jsonl")), readReviews(directory.resolve("test.jsonl")),
                readPrompts(directory.resolve("prompts-train.jsonl")), readPrompts(directory.resolve("prompts-test.jsonl")));
    }

    private static List<Review> readReviews(Path file) throws IOException {
        List<Review> out = new ArrayList<>();
        int n = 0;
        for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            try {
                com.fasterxml.jackson.databind.JsonNode o = Json.MAPPER.readTree(line);
                out.add(new Review(o.get("text").asText(), words(o), o.get("label").asInt(),
                        o.get("sentiment").asDouble()));
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ":" + n + ": not a review line: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static List<Prompt> readPrompts(Path file) throws IOException {
        List<Prompt> out = new ArrayList<>();
        int n = 0;
        for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            try {
                com.fasterxml.jackson.databind.JsonNode o = Json.MAPPER.readTree(line);
                out.add(new Prompt(o.get("text").asText(), words(o)));
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ":" + n + ": not a prompt line: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static List<String> words(com.fasterxml.jackson.databind.JsonNode o) {
        List<String> words = new ArrayList<>();
        o.get("words").forEach(w -> words.add(w.asText()));
        return words;
    }

    private static byte[] reviewLines(List<Review> reviews) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Review r : reviews) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("text", r.text());
            r.words().forEach(o.putArray("words")::add);
            o.put("label", r.label());
            o.put("sentiment", r.sentiment());
            sb.append(Json.MAPPER.writeValueAsString(o)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] promptLines(List<Prompt> prompts) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Prompt p : prompts) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("text", p.text());
            p.words().forEach(o.putArray("words")::add);
            sb.append(Json.MAPPER.writeValueAsString(o)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
