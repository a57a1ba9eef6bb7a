package dev.densify.task.reviews;

import dev.densify.task.reviews.ReviewLexicon.Category;
import dev.densify.text.WordTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The attribution oracle: exact Shapley values of the response tokens of a review.
 *
 * <p>A text is split into a prompt (its first {@code p} words, always kept) and a response (the
 * remaining {@code M} words, the players). The game is
 * <pre>
 *   v(S) = {@link SentimentFunction#sentiment(List) sentiment}(prompt + response with every token not in S replaced by {@value WordTokenizer#MASK_TOKEN})
 * </pre>
 * and token t gets φ_t = Σ_{S ⊆ N∖{t}} |S|!(M−|S|−1)!/M! · (v(S∪{t}) − v(S)). By efficiency
 * Σ_t φ_t = v(all kept) − v(all masked).
 *
 * <h2>Closed form ({@link #shapley})</h2>
 * The sentiment is a sum of one term per sentiment word i: valence · modifier · clauseWeight,
 * and under masking (see {@link SentimentFunction}) these factors depend on few tokens:
 * <ul>
 *   <li>the chain c_1 = i−1, c_2 = i−2, …, c_k of modifiers in front of i: the kept chain is its
 *       longest kept prefix c_1..c_L, so with F_l = Π_{j≤l} factor(c_j), F_0 = 1:
 *       modifier(S) = F_L = Σ_{l=0..k} (F_l − F_{l−1})·[c_1..c_l ∈ S] (F_{−1} = 0);</li>
 *   <li>the connectives q_1, q_2, … before i, nearest first: clauseWeight(S) =
 *       1 + Σ_{b : q_b = "but"} [q_b ∈ S]·Π_{a&lt;b} [q_a ∉ S].</li>
 * </ul>
 * Multiplying out, v is a sum of terms coef·[P ⊆ S]·[Q ∩ S = ∅] (P: tokens that must be kept,
 * Q: tokens that must be masked; prompt tokens count as kept). Such a term's Shapley value is
 * known exactly: in a random order, a member of P is pivotal iff it comes last among P and
 * before all of Q, probability (|P|−1)!|Q|!/(|P|+|Q|)!; a member of Q is pivotal (−coef) iff it
 * comes first among Q and after all of P, probability |P|!(|Q|−1)!/(|P|+|Q|)!. The total work
 * is polynomial (at most O(n·k·s·(k+s)) for n words, chains of k, s connectives), so any
 * response length is exact. {@link #enumerate} computes the same numbers by the definition
 * (2^M coalitions) for checking.
 */
public final class TokenContributions {

    /** Most response tokens {@link #enumerate} accepts (2^M sentiment evaluations). */
    public static final int MAX_ENUMERATION_TOKENS = 22;

    /**
     * Shapley values of the response tokens.
     *
     * @param prompt   the fixed prompt words
     * @param response the response words (players)
     * @param values   φ_t for response token t, in response order (the accessor returns a copy)
     * @param full     v(all response tokens kept) = sentiment of the whole text
     * @param empty    v(all response tokens masked)
     */
    public record Result(List<String> prompt, List<String> response, double[] values, double full, double empty) {
        public Result {
            prompt = List.copyOf(prompt);
            response = List.copyOf(response);
            values = values.clone();
            if (values.length != response.size()) {
                throw new IllegalArgumentException(values.length + " values for " + response.size() + " response tokens");
            }
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        /** φ of response token t. */
        public double value(int t) {
            return values[t];
        }

        /** Σ_t φ_t (equals full − empty up to rounding). */
        public double sum() {
            double s = 0;
            for (double v : values) {
                s += v;
            }
            return s;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && prompt.equals(r.prompt) && response.equals(r.response)
                    && Arrays.equals(values, r.values) && Double.compare(full, r.full) == 0
                    && Double.compare(empty, r.empty) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(prompt, response, Arrays.hashCode(values), full, empty);
        }

        @Override
        public String toString() {
            return "Result[prompt=" + prompt + ", response=" + response + ", values=" + Arrays.toString(values)
                    + ", full=" + full + ", empty=" + empty + "]";
        }
    }

    private TokenContributions() {
    }

    /** {@link #shapley(List, int)} of a text split on whitespace. */
    public static Result shapley(String text, int promptLength) {
        return shapley(split(text), promptLength);
    }

    /**
     * Exact Shapley values by the closed form (any response length).
     *
     * @param words        the whole text: prompt then response
     * @param promptLength number of leading words that are the fixed prompt, 0 ≤ p ≤ words.size()
     */
    public static Result shapley(List<String> words, int promptLength) {
        check(words, promptLength);
        int n = words.size();
        int p = promptLength;
        Category[] cat = new Category[n];
        for (int i = 0; i < n; i++) {
            cat[i] = ReviewLexicon.categoryOrNull(words.get(i));
        }
        double[] phi = new double[n - p];
        List<Integer> connectives = new ArrayList<>(); // positions before i, in text order
        List<Integer> present = new ArrayList<>();
        List<Integer> absent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Category c = cat[i];
            if (c == Category.AND || c == Category.BUT) {
                connectives.add(i);
                continue;
            }
            if (c == null || !SentimentFunction.isSentiment(c) || i < p) {
                continue; // no term, or a term of prompt tokens only: a constant
            }
            double valence = ReviewLexicon.valence(words.get(i));
            int k = 0;
            while (i - k - 1 >= 0 && cat[i - k - 1] != null && SentimentFunction.isModifier(cat[i - k - 1])) {
                k++;
            }
            double before = 0; // F_{l-1}
            double f = 1;      // F_l
            for (int l = 0; l <= k; l++) {
                if (l > 0) {
                    f *= SentimentFunction.factor(cat[i - l]);
                }
                double coef = valence * (f - before);
                before = f;
                // weight-1 part: [i, c_1..c_l kept]
                present.clear();
                absent.clear();
                present.add(i);
                for (int j = 1; j <= l; j++) {
                    present.add(i - j);
                }
                addPattern(phi, p, coef, present, absent);
                // contrast parts: q_b = "but" kept, nearer connectives masked
                for (int b = connectives.size() - 1; b >= 0; b--) {
                    int q = connectives.get(b);
                    if (cat[q] != Category.BUT) {
                        continue;
                    }
                    present.clear();
                    absent.clear();
                    present.add(i);
                    for (int j = 1; j <= l; j++) {
                        present.add(i - j);
                    }
                    present.add(q);
                    for (int a = b + 1; a < connectives.size(); a++) {
                        absent.add(connectives.get(a));
                    }
                    addPattern(phi, p, coef * (SentimentFunction.CONTRAST_WEIGHT - 1), present, absent);
                }
            }
        }
        return result(words, p, phi);
    }

    /** Adds the Shapley values of coef·[present ⊆ S]·[absent ∩ S = ∅]; prompt positions (&lt; p) are always kept. */
    private static void addPattern(double[] phi, int p, double coef, List<Integer> present, List<Integer> absent) {
        if (coef == 0) {
            return;
        }
        for (int q : absent) {
            if (q < p) {
                return; // a prompt token can never be masked: the term is always 0
            }
        }
        int np = 0;
        for (int x : present) {
            if (x >= p) {
                np++;
            }
        }
        int nq = absent.size();
        if (np + nq == 0) {
            return; // constant
        }
        if (np > 0) {
            double share = coef / (np * binomial(np + nq, np)); // (np−1)! nq! / (np+nq)!
            for (int x : present) {
                if (x >= p) {
                    phi[x - p] += share;
                }
            }
        }
        if (nq > 0) {
            double share = coef / (nq * binomial(np + nq, nq)); // np! (nq−1)! / (np+nq)!
            for (int q : absent) {
                phi[q - p] -= share;
            }
        }
    }

    private static double binomial(int n, int k) {
        double r = 1;
        for (int j = 1; j <= k; j++) {
            r = r * (n - k + j) / j; // exact in double for the sizes here (< 2^53)
        }
        return r;
    }

    /** {@link #enumerate(List, int)} of a text split on whitespace. */
    public static Result enumerate(String text, int promptLength) {
        return enumerate(split(text), promptLength);
    }

    /**
     * Exact Shapley values by the definition: v on all 2^M coalitions, then the weighted sum of
     * marginal contributions. For checking; M ≤ {@value #MAX_ENUMERATION_TOKENS}.
     */
    public static Result enumerate(List<String> words, int promptLength) {
        check(words, promptLength);
        int p = promptLength;
        int m = words.size() - p;
        if (m > MAX_ENUMERATION_TOKENS) {
            throw new IllegalArgumentException("enumeration needs 2^" + m + " coalitions; at most "
                    + MAX_ENUMERATION_TOKENS + " response tokens are allowed, use shapley()");
        }
        double[] v = new double[1 << m];
        List<String> masked = new ArrayList<>(words);
        for (int s = 0; s < v.length; s++) {
            for (int t = 0; t < m; t++) {
                masked.set(p + t, (s >> t & 1) != 0 ? words.get(p + t) : WordTokenizer.MASK_TOKEN);
            }
            v[s] = SentimentFunction.sentiment(masked);
        }
        double[] weight = new double[m]; // weight[|S|] = |S|!(M−|S|−1)!/M!
        for (int size = 0; size < m; size++) {
            weight[size] = 1.0 / (m * binomial(m - 1, size));
        }
        double[] phi = new double[m];
        for (int s = 0; s < v.length; s++) {
            int size = Integer.bitCount(s);
            for (int t = 0; t < m; t++) {
                if ((s >> t & 1) == 0) {
                    phi[t] += weight[size] * (v[s | 1 << t] - v[s]);
                }
            }
        }
        return result(words, p, phi);
    }

    private static Result result(List<String> words, int p, double[] phi) {
        List<String> masked = new ArrayList<>(words);
        for (int i = p; i < masked.size(); i++) {
            masked.set(i, WordTokenizer.MASK_TOKEN);
        }
        return new Result(words.subList(0, p), words.subList(p, words.size()), phi,
                SentimentFunction.sentiment(words), SentimentFunction.sentiment(masked));
    }

    private static void check(List<String> words, int promptLength) {
        Objects.requireNonNull(words, "words is null");
        if (promptLength < 0 || promptLength > words.size()) {
            throw new IllegalArgumentException("prompt length " + promptLength + " is outside [0, " + words.size()
                    + "] for a text of " + words.size() + " words");
        }
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i) == null) {
                throw new NullPointerException("word " + i + " is null");
            }
        }
    }

    private static List<String> split(String text) {
        Objects.requireNonNull(text, "text is null");
        String t = text.strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
