package dev.densify.reward;

import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.ScoredSequence;
import dev.densify.text.TokenAlignment;
import dev.densify.text.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A reward model whose tokenizer differs from the policy's. Sequences go through text: the
 * policy's ids are decoded, the prompt's text and the response's text encoded apart with the
 * reward tokenizer (so a reward token never straddles the prompt–response boundary), the scores
 * and attributions computed over the reward tokens, and each reward token's attribution given to
 * the policy's response tokens whose characters it shares ({@link TokenAlignment}): the sum of an
 * attribution is kept. A policy token's characters are where its decoding extends the response's
 * text; tokens that are parts of one character (byte-level BPE) share that character's place, so
 * the values of such tokens are pooled over them (the sum still kept).
 *
 * @param policy        the policy's tokenizer
 * @param reward        the reward model's tokenizer
 * @param rewardRemoved the reward tokenizer's id for a removed token (its pad, else eos)
 */
public record Retokenization(Tokenizer policy, Tokenizer reward, int rewardRemoved) {

    public Retokenization {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reward, "reward");
        if (rewardRemoved < 0 || rewardRemoved >= reward.vocabularySize()) {
            throw new IllegalArgumentException("the reward tokenizer's removed-token id " + rewardRemoved
                    + " is outside its vocabulary of " + reward.vocabularySize());
        }
    }

    /** A sequence of policy ids in the reward model's ids. */
    public int[] toReward(int[] policyIds) {
        return reward.encode(policy.decode(policyIds));
    }

    /** One sequence in both tokenisations. */
    record Aligned(int[] rewardPrompt, Tokenizer.Encoding rewardResponse, Tokenizer.Encoding policyResponse) {
    }

    Aligned align(int[] prompt, int[] response) {
        String promptText = policy.decode(prompt);
        int[] sequence = concat(prompt, response);
        String fullText = policy.decode(sequence);
        // The response's text is what decoding it after the prompt adds (a tokenizer may join the
        // two with a space), and its tokens' characters are counted in that same text.
        boolean afterPrompt = fullText.startsWith(promptText);
        String responseText = afterPrompt ? fullText.substring(promptText.length()) : policy.decode(response);
        int[] starts = new int[response.length];
        int[] ends = new int[response.length];
        String previous = "";
        for (int k = 0; k < response.length; k++) {
            String now = afterPrompt ? added(policy.decode(Arrays.copyOf(sequence, prompt.length + k + 1)), promptText)
                    : policy.decode(Arrays.copyOf(response, k + 1));
            int common = commonPrefix(previous, now);
            int end = Math.min(Math.max(now.length(), common), responseText.length());
            starts[k] = Math.min(common, end);
            ends[k] = end;
            previous = now;
        }
        return new Aligned(reward.encode(promptText), reward.encodeWithOffsets(responseText),
                new Tokenizer.Encoding(response.clone(), starts, ends));
    }

    /** What {@code text} adds after {@code prefix} (all of it when it does not start so). */
    private static String added(String text, String prefix) {
        return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** An attributor over the reward model's tokens that answers in the policy's. */
    Attributor attributor(Attributor inner) {
        return new Attributor() {
            @Override
            public AttributionOptions options() {
                return inner.options();
            }

            @Override
            public List<Attribution> attribute(List<ScoredSequence> sequences) {
                List<Aligned> aligned = new ArrayList<>(sequences.size());
                List<ScoredSequence> inReward = new ArrayList<>();
                for (ScoredSequence s : sequences) {
                    Aligned a = align(s.prompt(), s.response());
                    aligned.add(a);
                    if (a.rewardResponse().size() > 0) {
                        inReward.add(new ScoredSequence(a.rewardPrompt(), a.rewardResponse().ids()));
                    }
                }
                List<Attribution> computed = inReward.isEmpty() ? List.of() : inner.attribute(inReward);
                List<Attribution> out = new ArrayList<>(sequences.size());
                int next = 0;
                for (Aligned a : aligned) {
                    int n = a.policyResponse().size();
                    if (a.rewardResponse().size() == 0) { // the response decodes to no text: nothing to credit
                        out.add(new Attribution(new float[n], 0, 0, 0, 0, inner.method()));
                        continue;
                    }
                    Attribution r = computed.get(next++);
                    float[] rv = r.values();
                    double[] values = new double[rv.length];
                    for (int i = 0; i < rv.length; i++) {
                        values[i] = rv[i];
                    }
                    double[] mapped = TokenAlignment.map(values, a.rewardResponse(), a.policyResponse());
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) mapped[i];
                    }
                    out.add(new Attribution(v, r.full(), r.baseline(), r.evaluations(), r.diagnostic(), r.method()));
                }
                return List.copyOf(out);
            }
        };
    }
}
