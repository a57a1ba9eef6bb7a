package dev.densify.bench;

import dev.densify.text.HuggingFaceTokenizer;
import dev.densify.text.Tokenizer;
import dev.densify.text.WordTokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Tokenisation throughput: one call encodes {@value #TEXTS} texts of {@value #WORDS} words
 * (tokens per second = calls per second × {@value #TEXTS} × {@value #WORDS}). The same
 * vocabulary of {@value #VOCABULARY} random words runs in densify's word tokenizer (plain Java)
 * and, written as a WordLevel {@code tokenizer.json}, in the Hugging Face tokenizers library
 * (Rust, through its JNI binding), so the two do the same work on the same texts: the difference
 * is the library and the crossing into it. {@code offsets}: with each token's characters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class TokenizerBenchmark {

    static final int TEXTS = 256;
    static final int WORDS = 64;
    static final int VOCABULARY = 2000;

    @Param({"word", "huggingface"})
    public String tokenizer;

    @Param({"false", "true"})
    public boolean offsets;

    private Tokenizer t;
    private Path dir;
    private final List<String> texts = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SplittableRandom rng = new SplittableRandom(17);
        List<String> words = new ArrayList<>();
        while (words.size() < VOCABULARY) {
            StringBuilder w = new StringBuilder();
            for (int n = 3 + rng.nextInt(7); n > 0; n--) {
                w.append((char) ('a' + rng.nextInt(26)));
            }
            if (!words.contains(w.toString())) {
                words.add(w.toString());
            }
        }
        WordTokenizer word = WordTokenizer.of(words, WORDS + 2);
        for (int i = 0; i < TEXTS; i++) {
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < WORDS; k++) {
                text.append(k == 0 ? "" : " ").append(words.get(rng.nextInt(words.size())));
            }
            texts.add(text.toString());
        }
        if (tokenizer.equals("word")) {
            t = word;
        } else {
            dir = Files.createTempDirectory("densify-tokenizer-bench");
            word.writeHuggingFace(dir);
            t = HuggingFaceTokenizer.load(dir);
            for (String text : texts) {  // the same work: the same ids
                if (!java.util.Arrays.equals(word.encode(text), t.encode(text))) {
                    throw new IllegalStateException("the two tokenizers disagree on " + text);
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (t instanceof AutoCloseable c) {
            c.close();
        }
        if (dir != null) {
            dev.densify.text.AtomicFiles.deleteRecursively(dir);
        }
    }

    @Benchmark
    public void encode(Blackhole bh) {
        for (String text : texts) {
            bh.consume(offsets ? t.encodeWithOffsets(text) : t.encode(text));
        }
    }
}
