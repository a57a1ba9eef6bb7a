package dev.densify.attribution;

import java.util.Arrays;
import java.util.Objects;

/**
 * A sequence to explain: prompt tokens (fixed, never removed) followed by response tokens (the
 * players whose contributions are measured). The score is the reward model's score of the whole
 * sequence, read at its last token. Validated and copied on construction, so it is immutable;
 * the accessors return copies. Ids are checked against the vocabulary by the engine.
 *
 * @param prompt   prompt token ids, possibly empty; each {@code >= 0}
 * @param response response token ids, at least one; each {@code >= 0}
 */
public record ScoredSequence(int[] prompt, int[] response) {

    public ScoredSequence {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
        if (response.length == 0) {
            throw new IllegalArgumentException("response is empty: a sequence needs at least one response token to attribute");
        }
        prompt = prompt.clone();
        response = response.clone();
        check("prompt", prompt);
        check("response", response);
    }

    private static void check(String what, int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                throw new IllegalArgumentException(what + " token " + i + " has a negative id " + ids[i]);
            }
        }
    }

    /** A sequence without prompt. */
    public static ScoredSequence of(int[] response) {
        return new ScoredSequence(new int[0], response);
    }

    /** A copy of the prompt ids. */
    @Override
    public int[] prompt() {
        return prompt.clone();
    }

    /** A copy of the response ids. */
    @Override
    public int[] response() {
        return response.clone();
    }

    public int promptLength() {
        return prompt.length;
    }

    public int responseLength() {
        return response.length;
    }

    /** Prompt then response, as the reward model sees the sequence. */
    public int[] ids() {
        int[] all = Arrays.copyOf(prompt, prompt.length + response.length);
        System.arraycopy(response, 0, all, prompt.length, response.length);
        return all;
    }

    int promptAt(int i) {
        return prompt[i];
    }

    int responseAt(int i) {
        return response[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoredSequence s && Arrays.equals(prompt, s.prompt) && Arrays.equals(response, s.response);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(prompt) + Arrays.hashCode(response);
    }

    @Override
    public String toString() {
        return "ScoredSequence[prompt=" + Arrays.toString(prompt) + ", response=" + Arrays.toString(response) + "]";
    }
}
