package dev.densify.task.reviews;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.task.TaskJson;

import java.util.Locale;

/**
 * What {@code summary.json} records about a prepared reviews task: sizes and quality. No
 * wall-clock time (that is in {@code timings.json}), so it is part of the determinism promise.
 * Real numbers are rounded to 6 decimals.
 *
 * @param seed                   the task seed
 * @param size                   "small" or "default"
 * @param trainReviews           training reviews
 * @param validationReviews      validation reviews
 * @param testReviews            test reviews
 * @param trainPrompts           RL training prompts (openings of validation reviews)
 * @param testPrompts            evaluation prompts (openings of test reviews)
 * @param policyParameters       trainable parameters of the policy
 * @param policyBytes            size of policy.safetensors
 * @param sftFinalLoss           mean training loss (nats/token) over the last tenth of the SFT steps
 * @param validationLoss         mean next-token loss (nats/token) on validation reviews (bos + words + eos; words and eos predicted)
 * @param validationPerplexity   exp(validationLoss)
 * @param rewardParameters       trainable parameters of the reward model
 * @param rewardBytes            size of reward.safetensors
 * @param rewardTrainExamples    reward-model training examples (full reviews plus prefixes)
 * @param rewardFinalLoss        mean training loss over the last tenth of the reward-model steps
 * @param rewardTestAccuracy     share of test reviews where (score &gt; 0) equals the true label
 * @param rewardTestPearson      Pearson correlation of scores with the true sentiment on test reviews
 * @param rewardTestSpearman     Spearman (rank, ties averaged) correlation of the same
 * @param rewardPrefixAccuracy   accuracy on one prefix per test review whose own sentiment is not 0
 * @param rewardPrefixCount      how many such prefixes
 * @param rewardMaskedPearson    Pearson correlation of scores with the true sentiment on one masked copy of each test
 *                               review, masked as in training ({@link ReviewsConfig.Masks}): faithfulness under the
 *                               masking that attribution applies
 * @param rewardMaskedCount      how many masked copies
 * @param samples                SFT samples (one per test prompt)
 * @param sampleParseShare       share whose prompt + response (cut at eos) parses under {@link ReviewGrammar#parses}
 * @param lowTemperatureParseShare the same share for a second sample set drawn at the low temperature
 * @param sampleFinishedShare    share that emitted eos within the token limit
 * @param samplePositiveShare    share with true sentiment &gt; 0
 * @param sampleNegativeShare    share with true sentiment &lt; 0
 * @param sampleNeutralShare     share with true sentiment 0
 * @param sampleMeanReward       mean reward-model score of the samples (prompt + response)
 * @param sampleMeanResponseTokens mean response length in tokens, eos excluded
 */
public record ReviewsSummary(long seed, String size,
                             int trainReviews, int validationReviews, int testReviews, int trainPrompts,
                             int testPrompts,
                             long policyParameters, long policyBytes, double sftFinalLoss, double validationLoss,
                             double validationPerplexity,
                             long rewardParameters, long rewardBytes, int rewardTrainExamples, double rewardFinalLoss,
                             double rewardTestAccuracy, double rewardTestPearson, double rewardTestSpearman,
                             double rewardPrefixAccuracy, int rewardPrefixCount,
                             double rewardMaskedPearson, int rewardMaskedCount,
                             int samples, double sampleParseShare, double lowTemperatureParseShare,
                             double sampleFinishedShare,
                             double samplePositiveShare, double sampleNegativeShare, double sampleNeutralShare,
                             double sampleMeanReward, double sampleMeanResponseTokens) {

    /** Rounds to 6 decimals (NaN and infinities are kept). */
    static double round(double x) {
        if (!Double.isFinite(x)) {
            return x;
        }
        return Math.round(x * 1e6) / 1e6;
    }

    /** This summary as summary.json's tree. */
    public ObjectNode toJson() {
        ObjectNode root = TaskJson.object();
        root.put("task", ReviewsConfig.TASK);
        root.put("seed", seed);
        root.put("size", size);
        ObjectNode d = root.putObject("data");
        d.put("trainReviews", trainReviews);
        d.put("validationReviews", validationReviews);
        d.put("testReviews", testReviews);
        d.put("trainPrompts", trainPrompts);
        d.put("testPrompts", testPrompts);
        ObjectNode p = root.putObject("policy");
        p.put("parameters", policyParameters);
        p.put("checkpointBytes", policyBytes);
        p.put("finalTrainLoss", round(sftFinalLoss));
        p.put("validationLoss", round(validationLoss));
        p.put("validationPerplexity", round(validationPerplexity));
        ObjectNode r = root.putObject("reward");
        r.put("parameters", rewardParameters);
        r.put("checkpointBytes", rewardBytes);
        r.put("trainExamples", rewardTrainExamples);
        r.put("finalTrainLoss", round(rewardFinalLoss));
        r.put("testAccuracy", round(rewardTestAccuracy));
        r.put("testPearson", round(rewardTestPearson));
        r.put("testSpearman", round(rewardTestSpearman));
        r.put("prefixAccuracy", round(rewardPrefixAccuracy));
        r.put("prefixCount", rewardPrefixCount);
        r.put("maskedPearson", round(rewardMaskedPearson));
        r.put("maskedCount", rewardMaskedCount);
        ObjectNode s = root.putObject("samples");
        s.put("count", samples);
        s.put("parseShare", round(sampleParseShare));
        s.put("lowTemperatureParseShare", round(lowTemperatureParseShare));
        s.put("finishedShare", round(sampleFinishedShare));
        s.put("positiveShare", round(samplePositiveShare));
        s.put("negativeShare", round(sampleNegativeShare));
        s.put("neutralShare", round(sampleNeutralShare));
        s.put("meanReward", round(sampleMeanReward));
        s.put("meanResponseTokens", round(sampleMeanResponseTokens));
        return root;
    }

    /** Reads summary.json's tree. */
    public static ReviewsSummary fromJson(JsonNode root) {
        JsonNode d = root.path("data");
        JsonNode p = root.path("policy");
        JsonNode r = root.path("reward");
        JsonNode s = root.path("samples");
        return new ReviewsSummary(root.path("seed").asLong(), root.path("size").asText(),
                d.path("trainReviews").asInt(), d.path("validationReviews").asInt(), d.path("testReviews").asInt(),
                d.path("trainPrompts").asInt(), d.path("testPrompts").asInt(),
                p.path("parameters").asLong(), p.path("checkpointBytes").asLong(), p.path("finalTrainLoss").asDouble(),
                p.path("validationLoss").asDouble(), p.path("validationPerplexity").asDouble(),
                r.path("parameters").asLong(), r.path("checkpointBytes").asLong(), r.path("trainExamples").asInt(),
                r.path("finalTrainLoss").asDouble(), r.path("testAccuracy").asDouble(),
                r.path("testPearson").asDouble(), r.path("testSpearman").asDouble(),
                r.path("prefixAccuracy").asDouble(), r.path("prefixCount").asInt(),
                r.path("maskedPearson").asDouble(), r.path("maskedCount").asInt(),
                s.path("count").asInt(), s.path("parseShare").asDouble(),
                s.path("lowTemperatureParseShare").asDouble(), s.path("finishedShare").asDouble(),
                s.path("positiveShare").asDouble(), s.path("negativeShare").asDouble(),
                s.path("neutralShare").asDouble(), s.path("meanReward").asDouble(),
                s.path("meanResponseTokens").asDouble());
    }

    /** A few lines for people. */
    public String humanText() {
        return String.format(Locale.ROOT,
                "reviews task (seed %d, size %s): %d/%d/%d train/validation/test reviews, %d+%d prompts%n"
                        + "  policy: %,d parameters, validation perplexity %.3f (loss %.4f nats/token)%n"
                        + "  reward model: %,d parameters, test accuracy %.2f%%, Pearson %.3f, Spearman %.3f,"
                        + " prefix accuracy %.2f%% (%d prefixes), masked Pearson %.3f (%d masked)%n"
                        + "  SFT samples (%d test prompts): %.1f%% parse (%.1f%% at low temperature), %.1f%% finished,"
                        + " %.1f%% positive / %.1f%% negative / %.1f%% neutral, mean reward %.3f",
                seed, size, trainReviews, validationReviews, testReviews, trainPrompts, testPrompts,
                policyParameters, validationPerplexity, validationLoss,
                rewardParameters, 100 * rewardTestAccuracy, rewardTestPearson, rewardTestSpearman,
                100 * rewardPrefixAccuracy, rewardPrefixCount, rewardMaskedPearson, rewardMaskedCount,
                samples, 100 * sampleParseShare, 100 * lowTemperatureParseShare, 100 * sampleFinishedShare, 100 * samplePositiveShare,
                100 * sampleNegativeShare, 100 * sampleNeutralShare, sampleMeanReward);
    }
}
