package dev.densify.reward;

import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionMethod;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.RewardFunction;
import dev.densify.attribution.ScoredSequence;
import dev.densify.testing.ReferenceBpe;
import dev.densify.text.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Attributions over a reward tokenizer given back to the policy's tokens: two byte-level BPEs
 * trained on different texts, a linear reward over the reward tokens (so exact SHAP values are
 * known), and the identity case.
 */
class RetokenizationTest {

    private static HuggingFaceTokenizer policy;
    private static HuggingFaceTokenizer reward;
    private static HuggingFaceTokenizer policyAgain;

    @BeforeAll
    static void tokenizers(@TempDir Path tmp) throws Exception {
        List<String> a = List.of("the weather is fine today", "good food and good company", "a quiet evening");
        List<String> b = List.of("weather reports say rain", "food critics agree", "evenings are long here");
        ReferenceBpe pa = ReferenceBpe.train(a, 50);
        ReferenceBpe pb = ReferenceBpe.train(b, 30);
        Files.createDirectories(tmp.resolve("p"));
        Files.createDirectories(tmp.resolve("r"));
        Files.createDirectories(tmp.resolve("q"));
        pa.writeTokenizerJson(tmp.resolve("p").resolve(HuggingFaceTokenizer.FILE));
        pb.writeTokenizerJson(tmp.resolve("r").resolve(HuggingFaceTokenizer.FILE));
        pa.writeTokenizerJson(tmp.resolve("q").resolve(HuggingFaceTokenizer.FILE));
        policy = HuggingFaceTokenizer.load(tmp.resolve("p"));
        reward = HuggingFaceTokenizer.load(tmp.resolve("r"));
        policyAgain = HuggingFaceTokenizer.load(tmp.resolve("q"));
    }

    @AfterAll
    static void close() {
        policy.close();
        reward.close();
        policyAgain.close();
    }

    /** f = Σ over real tokens of weight(id): SHAP's values are weight(id) − weight(baseline). */
    private static RewardFunction linear() {
        return (ids, mask) -> {
            float[] out = new float[ids.length];
            for (int r = 0; r < ids.length; r++) {
                for (int t = 0; t < ids[r].length; t++) {
                    out[r] += mask[r][t] * weight(ids[r][t]);
                }
            }
            return out;
        };
    }

    private static float weight(int id) {
        return ((id * 37) % 11 - 5) / 10f;
    }

    private static Attributor shap(HuggingFaceTokenizer over, int baseline) {
        AttributionOptions o = AttributionOptions.defaults(AttributionMethod.SHAP).withSamples(4096)
                .withBaselineToken(baseline);
        return Attributor.of(linear(), over.vocabularySize(), o);
    }

    private static final String[] WORDS = {"the", "weather", "is", "fine", "good", "food", "rain", "evening", "quiet", "😀", "é"};
    private static final String[] ASCII = {"the", "weather", "is", "fine", "good", "food", "rain", "evening", "quiet"};

    private static List<ScoredSequence> sequences(Random rng, String[] words) {
        List<ScoredSequence> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            StringBuilder p = new StringBuilder(words[rng.nextInt(words.length)]);
            StringBuilder r = new StringBuilder();
            for (int k = 0; k < 1 + rng.nextInt(5); k++) {
                r.append(' ').append(words[rng.nextInt(words.length)]);
            }
            out.add(new ScoredSequence(policy.encode(p.toString()), policy.encode(r.toString())));
        }
        return out;
    }

    @Test
    void theSumOfEveryAttributionIsKeptAcrossTokenizers() {
        int removed = reward.specialTokens().eos();
        Retokenization r = new Retokenization(policy, reward, removed);
        List<ScoredSequence> batch = sequences(new Random(4), WORDS);
        List<Attribution> mapped = r.attributor(shap(reward, removed)).attribute(batch);
        for (int i = 0; i < batch.size(); i++) {
            ScoredSequence s = batch.get(i);
            Retokenization.Aligned a = r.align(s.prompt(), s.response());
            // Exact SHAP of the linear reward over the reward tokens, summed.
            double expected = 0;
            for (int id : a.rewardResponse().ids()) {
                expected += weight(id) - weight(removed);
            }
            assertEquals(s.responseLength(), mapped.get(i).length());
            assertEquals(expected, mapped.get(i).sum(), 1e-4, "sequence " + i);
            assertEquals(mapped.get(i).full() - mapped.get(i).baseline(), mapped.get(i).sum(), 1e-4);
        }
    }

    /**
     * Tokens of whole characters map one to one. (Byte tokens of one character share its span, so
     * their values are pooled over the character's tokens: the sum is kept, not each value.)
     */
    @Test
    void theSameTokenizerPassesEveryValueOfWholeCharacterTokensUnchanged() {
        int removed = policy.specialTokens().eos();
        Retokenization same = new Retokenization(policy, policyAgain, removed);
        List<ScoredSequence> batch = sequences(new Random(5), ASCII);
        List<Attribution> direct = shap(policy, removed).attribute(batch);
        List<Attribution> through = same.attributor(shap(policyAgain, removed)).attribute(batch);
        for (int i = 0; i < batch.size(); i++) {
            assertArrayEquals(direct.get(i).values(), through.get(i).values(), 1e-6f, "sequence " + i);
        }
    }

    /**
     * A tokenizer whose decoding joins the prompt and the response with a space (word level): the
     * policy tokens' characters are counted in the same text as the reward tokens', so the same
     * words line up one to one (the spans were one character apart before).
     */
    @Test
    void wordsJoinedByASpaceLineUpOneToOne() {
        dev.densify.text.WordTokenizer words = dev.densify.text.WordTokenizer.of(
                List.of("the", "food", "was", "not", "great"), 16);
        dev.densify.text.WordTokenizer renumbered = dev.densify.text.WordTokenizer.of(
                List.of("the", "food", "was", "not", "great", "aardvark"), 16);
        Retokenization r = new Retokenization(words, renumbered, dev.densify.text.WordTokenizer.MASK);
        int[] prompt = words.encode("the food", true, false);
        int[] response = words.encode("was not great");
        Retokenization.Aligned a = r.align(prompt, response);
        // A policy token spans what it adds, its separating space included: " was", " not", " great".
        assertArrayEquals(new int[]{0, 4, 8}, a.policyResponse().starts());
        assertArrayEquals(a.rewardResponse().ends(), a.policyResponse().ends());
        assertArrayEquals(renumbered.encode("was not great"), a.rewardResponse().ids());
        double[] values = {0.5, -0.25, 2};
        assertArrayEquals(values, dev.densify.text.TokenAlignment.map(values, a.rewardResponse(), a.policyResponse()));
    }
}
