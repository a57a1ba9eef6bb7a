package dev.densify.task.reviews;

import dev.densify.text.WordTokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The words of the review language: every word belongs to exactly one {@link Category}, and
 * sentiment words carry an integer valence (±1 mild, ±2 strong).
 *
 * <p>Categories are disjoint so that a text maps to a unique category sequence, which is what
 * {@link ReviewGrammar#parses(List)} checks and what {@link SentimentFunction} reads. All words
 * are lower-case ASCII without spaces. The lexicon holds 254 words.
 */
public final class ReviewLexicon {

    /** Word categories. Only the first ten have a role in the sentiment function; the rest are neutral filler. */
    public enum Category {
        /** Sentiment adjective ("good" +1, "masterful" +2, "dull" −1, "awful" −2). */
        ADJECTIVE,
        /** Sentiment verb, past tense ("loved", "hated"). */
        PAST_VERB,
        /** Sentiment verb, base form, after "did not" ("enjoy", "hate"). */
        BASE_VERB,
        /** Sentiment adverb ("brilliantly", "poorly"). */
        ADVERB,
        /** Negator "not". */
        NOT,
        /** Negator "never". */
        NEVER,
        /** Intensifier, ×1.5 ("very", "really"). */
        INTENSIFIER,
        /** Diminisher, ×0.5 ("barely", "slightly"). */
        DIMINISHER,
        /** Clause connective "and" (clause weight 1). */
        AND,
        /** Clause connective "but" (contrast: clause weight 2). */
        BUT,
        DETERMINER, ARTICLE, NOUN, FILM, NOUN_MODIFIER, COPULA, PREPOSITION, I, IT, DID,
        NEUTRAL_VERB, WATCH_VERB, WITH, LAST, TIME, MY, RELATION, WHEN
    }

    private static final Map<String, Category> CATEGORY = new HashMap<>();
    private static final Map<String, Integer> VALENCE = new HashMap<>();
    private static final Map<Category, List<String>> BY_CATEGORY = new EnumMap<>(Category.class);
    private static final List<String> WORDS;

    static {
        Category c = Category.ADJECTIVE;
        add(c, 2, "masterful brilliant superb outstanding excellent wonderful stunning magnificent exceptional"
                + " amazing fantastic terrific flawless captivating breathtaking gripping remarkable marvelous");
        add(c, 1, "good nice fine decent solid enjoyable pleasant charming fun clever likable engaging"
                + " entertaining interesting funny watchable competent sweet lovely memorable touching moving"
                + " effective strong fresh warm smart");
        add(c, -1, "dull bad weak boring slow bland silly messy flat clumsy forgettable predictable tedious"
                + " uneven lame shallow stale mediocre tired thin sloppy confusing cheap annoying awkward"
                + " pointless generic");
        add(c, -2, "awful terrible horrible dreadful atrocious abysmal painful unwatchable disastrous"
                + " insufferable laughable appalling hideous pathetic miserable dire worthless incoherent"
                + " lifeless unbearable");
        add(Category.PAST_VERB, 2, "loved adored");
        add(Category.PAST_VERB, 1, "enjoyed liked admired appreciated");
        add(Category.PAST_VERB, -1, "disliked resented");
        add(Category.PAST_VERB, -2, "hated loathed despised");
        add(Category.BASE_VERB, 2, "love adore");
        add(Category.BASE_VERB, 1, "enjoy like admire appreciate");
        add(Category.BASE_VERB, -1, "dislike resent");
        add(Category.BASE_VERB, -2, "hate loathe despise");
        add(Category.ADVERB, 2, "brilliantly beautifully superbly wonderfully perfectly");
        add(Category.ADVERB, 1, "well nicely smoothly effectively competently");
        add(Category.ADVERB, -1, "poorly badly clumsily awkwardly sloppily");
        add(Category.ADVERB, -2, "horribly atrociously miserably abysmally");
        add(Category.NOT, 0, "not");
        add(Category.NEVER, 0, "never");
        add(Category.INTENSIFIER, 0, "very really truly extremely utterly thoroughly genuinely remarkably incredibly");
        add(Category.DIMINISHER, 0, "barely slightly somewhat mildly fairly marginally");
        add(Category.AND, 0, "and");
        add(Category.BUT, 0, "but");
        add(Category.DETERMINER, 0, "the this that its");
        add(Category.ARTICLE, 0, "a an");
        add(Category.NOUN, 0, "plot story acting cast score soundtrack music ending script dialogue"
                + " direction pacing cinematography editing lead villain hero finale premise twist humor"
                + " performance screenplay climax romance setting atmosphere production design tone"
                + " writing camerawork scene character director");
        add(Category.FILM, 0, "film movie sequel remake");
        add(Category.NOUN_MODIFIER, 0, "final opening main whole second first entire central original overall"
                + " visual supporting closing early new");
        add(Category.COPULA, 0, "was is felt seemed");
        add(Category.PREPOSITION, 0, "of in");
        add(Category.I, 0, "i");
        add(Category.IT, 0, "it");
        add(Category.DID, 0, "did");
        add(Category.NEUTRAL_VERB, 0, "performed played ended unfolded worked aged began started");
        add(Category.WATCH_VERB, 0, "watched saw rented streamed caught");
        add(Category.WITH, 0, "with");
        add(Category.LAST, 0, "last");
        add(Category.TIME, 0, "night week weekend month year summer");
        add(Category.MY, 0, "my");
        add(Category.RELATION, 0, "friends family kids parents wife husband brother sister");
        add(Category.WHEN, 0, "yesterday twice again");
        for (Category cat : Category.values()) {
            BY_CATEGORY.computeIfPresent(cat, (k, v) -> {
                Collections.sort(v); // generation draws by index: fix the order
                return List.copyOf(v);
            });
        }
        List<String> all = new ArrayList<>(CATEGORY.keySet());
        Collections.sort(all);
        WORDS = List.copyOf(all);
    }

    private ReviewLexicon() {
    }

    private static void add(Category category, int valence, String words) {
        for (String w : words.split(" ")) {
            if (CATEGORY.putIfAbsent(w, category) != null) {
                throw new IllegalStateException("word '" + w + "' is listed twice in the review lexicon");
            }
            if (valence != 0) {
                VALENCE.put(w, valence);
            }
            BY_CATEGORY.computeIfAbsent(category, k -> new ArrayList<>()).add(w);
        }
    }

    /** All words of the language, sorted (String natural order); no special tokens. */
    public static List<String> words() {
        return WORDS;
    }

    /** The words of one category, sorted. */
    public static List<String> words(Category category) {
        return BY_CATEGORY.getOrDefault(Objects.requireNonNull(category, "category"), List.of());
    }

    /** The category of a word; empty for words outside the language (including special tokens such as the mask). */
    public static Optional<Category> category(String word) {
        return Optional.ofNullable(categoryOrNull(word));
    }

    static Category categoryOrNull(String word) {
        return CATEGORY.get(word);
    }

    /** The valence of a sentiment word (±1 or ±2); 0 for every other word. */
    public static int valence(String word) {
        Integer v = VALENCE.get(word);
        return v == null ? 0 : v;
    }

    /** A tokenizer over this lexicon whose length limit fits the longest review plus bos and eos. */
    public static WordTokenizer tokenizer() {
        return tokenizer(ReviewGrammar.MAX_WORDS + 2);
    }

    /** A tokenizer over this lexicon with the given length limit (tokens, bos/eos included). */
    public static WordTokenizer tokenizer(int maxLength) {
        return WordTokenizer.of(WORDS, maxLength);
    }
}
