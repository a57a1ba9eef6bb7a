package dev.densify.task.reviews;

import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.cli.Main;
import dev.densify.model.GenerationOptions;
import dev.densify.task.PrepareOptions;
import dev.densify.task.TaskDirectory;
import dev.densify.task.TaskDirectoryException;
import dev.densify.task.TaskJson;
import dev.densify.task.TaskSize;
import dev.densify.testing.TestTasks;
import dev.densify.text.WordTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Preparing the reviews task at the small size. Trains twice: the fixture, and the rebuild of a
 * half-written directory (which must give the fixture's bytes); every other test reuses them.
 * The fixture is the small task that {@link TestTasks} prepared from scratch in this JVM when it
 * did (a fresh clone), else one prepared here; either way a fresh preparation, never a reuse.
 */
class ReviewsTaskTest {

    static final long SEED = 0;

    @TempDir
    static Path shared;

    /** The fixture: a complete small task, prepared once from scratch (read-only for the tests). */
    static Path first;
    static ReviewsTask.Prepared prepared;
    static String firstLog;

    static PrepareOptions options(long seed) {
        return PrepareOptions.defaults().withSeed(seed).withSize(TaskSize.SMALL).withThreads(2);
    }

    @BeforeAll
    static void prepareOnce() {
        TestTasks.Fresh fresh = TestTasks.given() == null ? TestTasks.freshSmall() : null;
        if (fresh != null) {
            first = fresh.prepared().directory();
            prepared = fresh.prepared();
            firstLog = fresh.log();
            return;
        }
        first = shared.resolve("first");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        prepared = ReviewsTask.prepare(first, options(SEED).withLog(new PrintStream(log, true, StandardCharsets.UTF_8)));
        firstLog = log.toString(StandardCharsets.UTF_8);
    }

    record Cli(int code, String out, String err) {
    }

    static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Files under the determinism promise, and the marker that lists them. */
    static List<String> promised() {
        List<String> files = new ArrayList<>(ReviewsTask.PROMISED);
        files.add(TaskDirectory.MARKER);
        return files;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }

    @Test
    void preparedDirectoryHasEveryFileAndALogWithProgress() throws IOException {
        assertFalse(prepared.reused());
        assertEquals(first.toAbsolutePath().normalize(), prepared.directory());
        for (String f : promised()) {
            assertTrue(Files.isRegularFile(first.resolve(f)), f);
        }
        assertTrue(Files.isRegularFile(first.resolve(ReviewsTask.TIMINGS_FILE)));
        assertTrue(firstLog.contains("train ") && firstLog.contains("evaluate ") && firstLog.contains("done in"), firstLog);
        assertTrue(firstLog.contains("test accuracy") && firstLog.contains("parse"), firstLog);
        assertTrue(prepared.timings().get("total") > 0);
        try (Stream<Path> s = Files.list(first.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".partial-")), "no partial build is left");
        }
    }

    @Test
    void smallSizeMeetsTheQualityBars() throws IOException {
        ReviewsSummary s = prepared.summary();
        assertEquals(s, ReviewsSummary.fromJson(TaskJson.read(first.resolve(ReviewsTask.SUMMARY_FILE))));
        assertTrue(s.rewardTestAccuracy() >= 0.90, "reward-model test accuracy " + s.rewardTestAccuracy());
        assertTrue(s.rewardTestPearson() > 0.5 && s.rewardTestSpearman() > 0.5, s.toString());
        // mask augmentation: the score follows the true sentiment on masked text too (0.87 for seed 0)
        assertEquals(500, s.rewardMaskedCount());
        assertTrue(s.rewardMaskedPearson() >= 0.75, "Pearson on masked test reviews " + s.rewardMaskedPearson());
        // documented leniency (ReviewsTask): >= 95% grammatical at the low temperature, >= 90% at temperature 1
        assertTrue(s.lowTemperatureParseShare() >= 0.95, "parse share at low temperature " + s.lowTemperatureParseShare());
        assertTrue(s.sampleParseShare() >= 0.90, "parse share at temperature 1 " + s.sampleParseShare());
        assertTrue(s.samplePositiveShare() > 0 && s.sampleNegativeShare() > 0, s.toString());
        assertTrue(s.samplePositiveShare() <= 0.80 && s.sampleNegativeShare() <= 0.80, s.toString());
        assertEquals(500, s.samples());
        assertTrue(s.validationPerplexity() > 1 && s.validationPerplexity() < 20, "perplexity " + s.validationPerplexity());
    }

    @Test
    void completeDirectoryIsReusedWithoutTraining() throws IOException {
        byte[] marker = Files.readAllBytes(first.resolve(TaskDirectory.MARKER));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long start = System.nanoTime();
        ReviewsTask.Prepared again = ReviewsTask.prepare(first,
                options(SEED).withLog(new PrintStream(log, true, StandardCharsets.UTF_8)));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(again.reused());
        assertTrue(seconds < 5, "reuse took " + seconds + " s");
        assertEquals(prepared.summary(), again.summary());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("already prepared"), log.toString(StandardCharsets.UTF_8));
        assertArrayEquals(marker, Files.readAllBytes(first.resolve(TaskDirectory.MARKER)));
    }

    @Test
    void otherParametersWithoutForceAreAClearError() throws IOException {
        byte[] marker = Files.readAllBytes(first.resolve(TaskDirectory.MARKER));
        TaskDirectoryException e = assertThrows(TaskDirectoryException.class,
                () -> ReviewsTask.prepare(first, options(SEED + 1)));
        assertTrue(e.getMessage().contains("other parameters") && e.getMessage().contains("seed: 0 vs 1")
                && e.getMessage().contains("--force"), e.getMessage());
        assertArrayEquals(marker, Files.readAllBytes(first.resolve(TaskDirectory.MARKER)), "left untouched");

        Cli r = cli("prepare", "--task", "reviews", "--out", first.toString(), "--size", "default");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("densify: error: ") && r.err().contains("size: \"small\" vs \"default\"")
                && r.err().contains("--force"), r.err());
    }

    /**
     * A directory as a killed run could leave it is never used, and {@code prepare} rebuilds it
     * from scratch to the same bytes as the fixture's: the same seed gives the same files (the
     * second preparation of this class, through the command line).
     */
    @Test
    void halfWrittenDirectoryIsNeverUsedAndIsRebuiltToTheSameBytes() throws IOException {
        // a directory as a killed run could leave it: some files, the policy cut short, no marker
        Path third = shared.resolve("third");
        copyTree(first, third);
        Files.delete(third.resolve(TaskDirectory.MARKER));
        byte[] policy = Files.readAllBytes(third.resolve(ReviewsTask.POLICY_FILE));
        Files.write(third.resolve(ReviewsTask.POLICY_FILE), java.util.Arrays.copyOf(policy, policy.length / 2));
        TaskDirectoryException e = assertThrows(TaskDirectoryException.class, () -> ReviewsTask.open(third));
        assertTrue(e.getMessage().contains("not a complete reviews task") && e.getMessage().contains("COMPLETE"),
                e.getMessage());

        Cli r = cli("prepare", "--task", "reviews", "--out", third.toString(), "--seed", Long.toString(SEED),
                "--size", "small", "--threads", "2", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("incomplete") && r.err().contains("rebuilding"), r.err());
        assertTrue(r.err().contains("train ") && r.err().contains("test accuracy"), r.err());
        assertEquals(Files.readString(third.resolve(ReviewsTask.SUMMARY_FILE)), r.out(), "--json prints summary.json");
        for (String f : promised()) {
            assertArrayEquals(Files.readAllBytes(first.resolve(f)), Files.readAllBytes(third.resolve(f)), f);
        }
        assertTrue(Files.exists(third.resolve(ReviewsTask.TIMINGS_FILE)), "timings.json exists (not compared)");
    }

    @Test
    void aModifiedFileInvalidatesTheMarker() throws IOException {
        Path fourth = shared.resolve("fourth");
        copyTree(first, fourth);
        byte[] reward = Files.readAllBytes(fourth.resolve(ReviewsTask.REWARD_FILE));
        reward[reward.length - 1] ^= 1;
        Files.write(fourth.resolve(ReviewsTask.REWARD_FILE), reward);
        TaskDirectoryException e = assertThrows(TaskDirectoryException.class, () -> ReviewsTask.open(fourth));
        assertTrue(e.getMessage().contains("reward.safetensors does not match the hash"), e.getMessage());
        assertEquals(TaskDirectory.Status.INCOMPLETE, TaskDirectory.inspect(fourth, ReviewsConfig.TASK,
                Set.copyOf(ReviewsTask.PROMISED), ReviewsTask.TOP_LEVEL).status());
    }

    @Test
    void aForeignDirectoryIsNeverReplaced() throws IOException {
        Path mine = shared.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("notes.txt"), "precious");
        TaskDirectoryException e = assertThrows(TaskDirectoryException.class,
                () -> ReviewsTask.prepare(mine, options(SEED).withForce(true)));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("refusing"), e.getMessage());
        assertEquals("precious", Files.readString(mine.resolve("notes.txt")));
    }

    @Test
    void openGivesTheModelsTokenizerAndData() throws IOException {
        try (ReviewsTask task = ReviewsTask.open(first)) {
            assertEquals(ReviewsConfig.of(SEED, TaskSize.SMALL), task.config());
            assertEquals(prepared.summary(), task.summary());
            WordTokenizer tok = task.tokenizer();
            assertEquals(ReviewLexicon.tokenizer().tokens(), tok.tokens());
            assertEquals(task.config().policyModel(), task.policy().config());
            assertEquals(task.config().rewardModel(), task.rewardModel().config());
            ReviewDataset data = task.dataset();
            assertEquals(ReviewDataset.generate(SEED, 20000, 200, 500), data);
            float[] scores = task.rewardModel().score(new int[][] {
                    tok.encode("it was a truly superb film and i really loved the ending", true, false),
                    tok.encode("it was a truly awful film and i really hated the ending", true, false)});
            assertTrue(scores[0] > 0 && scores[1] < 0, java.util.Arrays.toString(scores));
            int[][] prompt = {tok.encode(data.testPrompts().get(0).text(), true, false)};
            var g = task.policy().generate(prompt, GenerationOptions.defaults().withMaxNewTokens(40)
                    .withStopToken(WordTokenizer.EOS).withSeed(1));
            assertTrue(g.lengths()[0] >= 1);
            JsonNode taskJson = TaskJson.read(task.directory().resolve(ReviewsTask.TASK_FILE));
            assertEquals(ReviewsConfig.of(SEED, TaskSize.SMALL), ReviewsConfig.fromJson(taskJson));
        }
    }

    @Test
    void cliReusesACompleteDirectoryAndPrintsTheSummary() throws IOException {
        Cli r = cli("prepare", "--task", "reviews", "--out", first.toString(), "--seed", "0", "--size", "small", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("already prepared"), r.err());
        assertEquals(Files.readString(first.resolve(ReviewsTask.SUMMARY_FILE)), r.out());
    }

    @Test
    void maskedCopiesKeepThePromptAndDrawCoalitionSizesLikeTheShapleyKernel() {
        WordTokenizer tok = ReviewLexicon.tokenizer();
        List<String> words = List.of("the acting was not very good but the ending was truly masterful".split(" "));
        int[] ids = tok.encode(String.join(" ", words), true, false);
        int n = words.size();
        // emptyShare 1: the whole response is masked, after a kept opening of 2..5 words
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        Set<Integer> prompts = new java.util.TreeSet<>();
        for (int d = 0; d < 400; d++) {
            ReviewsTraining.Masked m = ReviewsTraining.mask(words, ids, new ReviewsConfig.Masks(1, 1), rng);
            int p = 0;
            while (p < n && !m.words().get(p).equals(WordTokenizer.MASK_TOKEN)) {
                p++;
            }
            prompts.add(p);
            assertEquals(words.subList(0, p), m.words().subList(0, p));
            for (int i = p; i < n; i++) {
                assertEquals(WordTokenizer.MASK_TOKEN, m.words().get(i));
            }
        }
        assertEquals(Set.of(2, 3, 4, 5), prompts, "prompt lengths as the task's prompts");
        // emptyShare 0: coalition sizes follow the kernel's U shape
        int draws = 20000;
        int[] maskedCounts = new int[n + 1];
        for (int d = 0; d < draws; d++) {
            ReviewsTraining.Masked m = ReviewsTraining.mask(words, ids, new ReviewsConfig.Masks(1, 0), rng);
            assertEquals(WordTokenizer.BOS, m.ids()[0]);
            int masked = 0;
            int firstMask = -1;
            for (int i = 0; i < n; i++) {
                boolean isMask = m.words().get(i).equals(WordTokenizer.MASK_TOKEN);
                assertEquals(isMask ? WordTokenizer.MASK : ids[1 + i], m.ids()[1 + i], "ids follow the words");
                assertTrue(isMask || m.words().get(i).equals(words.get(i)));
                if (isMask) {
                    masked++;
                    firstMask = firstMask < 0 ? i : firstMask;
                }
            }
            assertTrue(firstMask >= ReviewDataset.MIN_PROMPT_WORDS && masked >= 1, m.words().toString());
            maskedCounts[masked]++;
        }
        // P(1 masked) ∝ 1/(m-1) vs P(4 masked) ∝ 1/(4(m-4)), m in 8..11: more than twice as likely
        assertTrue(maskedCounts[1] > 2 * maskedCounts[4], java.util.Arrays.toString(maskedCounts));
        // same seed, same masks
        ReviewsConfig.Masks masks = new ReviewsConfig.Masks(1, 0.05);
        ReviewsTraining.Masked a = ReviewsTraining.mask(words, ids, masks, new java.util.SplittableRandom(3));
        ReviewsTraining.Masked b = ReviewsTraining.mask(words, ids, masks, new java.util.SplittableRandom(3));
        assertEquals(a.words(), b.words());
        assertArrayEquals(a.ids(), b.ids());
        assertThrows(IllegalArgumentException.class, () -> ReviewsTraining.mask(List.of("good"),
                tok.encode("good", true, false), masks, new java.util.SplittableRandom(1)));
    }

    @Test
    void softLabelsAreSigmoidOfTheScaledSentiment() {
        ReviewsConfig c = ReviewsConfig.of(SEED, TaskSize.SMALL);
        assertTrue(c.labelScale() > 0);
        assertEquals(0.5, c.label(0), 0);
        assertEquals(1 / (1 + Math.exp(-c.labelScale() * 2)), c.label(2), 1e-15);
        assertEquals(1 - c.label(2), c.label(-2), 1e-15);
        ReviewsConfig hard = new ReviewsConfig(c.seed(), c.size(), c.data(), c.policyModel(), c.rewardModel(), c.sft(),
                c.reward(), 0, c.prefixes(), c.masks(), c.sampling());
        assertEquals(1, hard.label(0.5), 0);
        assertEquals(0, hard.label(-0.5), 0);
        assertEquals(c.prefixes().neutralLabel(), hard.label(0), 0);
        assertThrows(IllegalArgumentException.class, () -> new ReviewsConfig.Masks(1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReviewsConfig(c.seed(), c.size(), c.data(),
                c.policyModel(), c.rewardModel(), c.sft(), c.reward(), -1, c.prefixes(), c.masks(), c.sampling()));
    }

    @Test
    void badCommandLinesAreUsageErrors() throws IOException {
        Cli r = cli("prepare", "--task", "poems", "--out", shared.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown task 'poems'") && r.err().contains("reviews"), r.err());

        r = cli("prepare", "--task", "reviews", "--out", shared.resolve("x").toString(), "--size", "huge");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--size") && r.err().contains("'huge'"), r.err());

        Path file = shared.resolve("a-file");
        Files.writeString(file, "x");
        r = cli("prepare", "--task", "reviews", "--out", file.toString(), "--size", "small");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out") && r.err().contains("is not a directory"), r.err());

        r = cli("prepare", "--out", shared.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--task"), r.err());
        assertFalse(Files.exists(shared.resolve("x")), "nothing is written on a usage error");
    }
}
