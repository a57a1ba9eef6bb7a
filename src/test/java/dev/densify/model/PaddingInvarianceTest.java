package dev.densify.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static dev.densify.model.ModelFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sequence's logits, values, token log-probs and reward score do not depend on the padding
 * around it (left, right, both sides, any pad ids) or on the other rows of its batch.
 */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class PaddingInvarianceTest {

    static final double TOLERANCE = 1e-5;

    @TempDir
    static Path tmp;

    static Policy policy;
    static RewardModel reward;
    static Policy freshPolicy;
    static RewardModel freshReward;

    static final int[][] SEQUENCES;

    static {
        Random random = new Random(2024);
        int[] lengths = {9, 4, 1, 13, 2};
        SEQUENCES = new int[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            SEQUENCES[i] = ModelFixtures.tokens(random, lengths[i], ModelFixtures.TINY.vocabSize());
        }
    }

    @BeforeAll
    static void models() {
        policy = ModelFixtures.randomPolicy(tmp, ModelFixtures.TINY, 5);
        reward = ModelFixtures.randomReward(tmp, ModelFixtures.TINY, 6);
        freshPolicy = ModelFixtures.policy(7);
        freshReward = ModelFixtures.reward(8);
    }

    @AfterAll
    static void close() {
        policy.close();
        reward.close();
        freshPolicy.close();
        freshReward.close();
    }

    /** Outputs of one sequence run alone (no padding). */
    record Alone(PolicyOutput out, float score) {
    }

    static Alone alone(Policy p, RewardModel r, int[] sequence) {
        TokenBatch batch = TokenBatch.of(new int[][]{sequence});
        return new Alone(p.forward(batch, ForwardOutputs.ALL), r.score(batch)[0]);
    }

    /**
     * Checks every row of a padded batch, whose real tokens start at {@code offsets[row]}, against
     * the sequence alone.
     */
    static void check(Policy p, RewardModel r, TokenBatch batch, int[][] sequences, int[] offsets, String what) {
        PolicyOutput out = p.forward(batch, ForwardOutputs.ALL);
        float[] scores = r.score(batch);
        int vocab = p.config().vocabSize();
        int[][] mask = batch.mask();
        for (int row = 0; row < sequences.length; row++) {
            Alone a = alone(p, r, sequences[row]);
            int n = sequences[row].length;
            int o = offsets[row];
            String where = what + ", row " + row;
            for (int t = 0; t < n; t++) {
                for (int v = 0; v < vocab; v++) {
                    assertClose(a.out().logit(0, t, v), out.logit(row, o + t, v), TOLERANCE,
                            where + ": logit(" + t + ", " + v + ")");
                }
                assertClose(a.out().values()[0][t], out.values()[row][o + t], TOLERANCE, where + ": value " + t);
            }
            for (int t = 0; t + 1 < n; t++) {
                assertClose(a.out().tokenLogprobs()[0][t], out.tokenLogprobs()[row][o + t], TOLERANCE,
                        where + ": token log-prob " + t);
            }
            for (int t = 0; t + 1 < batch.seqLen(); t++) {
                if (mask[row][t + 1] == 0) {
                    assertEquals(0f, out.tokenLogprobs()[row][t], where + ": log-prob before padding at " + t);
                }
            }
            assertClose(a.score(), scores[row], TOLERANCE, where + ": reward score");
        }
    }

    @Test
    void rightPadding() {
        int[] offsets = new int[SEQUENCES.length];
        check(policy, reward, TokenBatch.rightPadded(SEQUENCES, 0), SEQUENCES, offsets, "right padded");
        check(freshPolicy, freshReward, TokenBatch.rightPadded(SEQUENCES, 3), SEQUENCES, offsets, "right padded, fresh");
    }

    @Test
    void leftPadding() {
        int longest = 13;
        int[] offsets = new int[SEQUENCES.length];
        for (int i = 0; i < SEQUENCES.length; i++) {
            offsets[i] = longest - SEQUENCES[i].length;
        }
        check(policy, reward, TokenBatch.leftPadded(SEQUENCES, 0), SEQUENCES, offsets, "left padded");
        check(freshPolicy, freshReward, TokenBatch.leftPadded(SEQUENCES, 60), SEQUENCES, offsets, "left padded, fresh");
    }

    /** Padding on both sides with arbitrary (random) pad ids, in a longer batch. */
    @Test
    void customMaskBothSidesWithRandomPadIds() {
        Random random = new Random(77);
        int seqLen = 20;
        int[][] ids = new int[SEQUENCES.length][seqLen];
        int[][] mask = new int[SEQUENCES.length][seqLen];
        int[] offsets = new int[SEQUENCES.length];
        for (int row = 0; row < SEQUENCES.length; row++) {
            int n = SEQUENCES[row].length;
            offsets[row] = random.nextInt(seqLen - n + 1);
            for (int t = 0; t < seqLen; t++) {
                ids[row][t] = random.nextInt(ModelFixtures.TINY.vocabSize());
            }
            System.arraycopy(SEQUENCES[row], 0, ids[row], offsets[row], n);
            for (int t = 0; t < n; t++) {
                mask[row][offsets[row] + t] = 1;
            }
        }
        check(policy, reward, new TokenBatch(ids, mask), SEQUENCES, offsets, "both sides");
    }

    /** One row is not changed by the content of the others: a batch of copies equals the row. */
    @Test
    void otherRowsDoNotMatter() {
        int[][] batch = {SEQUENCES[0], SEQUENCES[0], SEQUENCES[0]};
        PolicyOutput out = policy.forward(TokenBatch.of(batch), ForwardOutputs.ALL);
        PolicyOutput one = policy.forward(TokenBatch.of(new int[][]{SEQUENCES[0]}), ForwardOutputs.ALL);
        int per = one.logits().length;
        for (int row = 0; row < 3; row++) {
            float[] slice = Arrays.copyOfRange(out.logits(), row * per, (row + 1) * per);
            ModelFixtures.assertArrayClose(one.logits(), slice, TOLERANCE, "row " + row + " logits");
        }
    }

    /**
     * Positions follow the mask (header: "position ids follow the mask"): a masked token in the
     * middle of a row is invisible, so the real tokens' outputs equal those of the row without it.
     */
    @Test
    void maskedTokenInsideARowIsInvisible() {
        int[] sequence = SEQUENCES[3];
        int hole = 5;
        int[] ids = new int[sequence.length + 1];
        int[] mask = new int[sequence.length + 1];
        for (int t = 0, s = 0; t < ids.length; t++) {
            if (t == hole) {
                ids[t] = 42;
                continue;
            }
            ids[t] = sequence[s++];
            mask[t] = 1;
        }
        TokenBatch holed = new TokenBatch(new int[][]{ids}, new int[][]{mask});
        PolicyOutput out = policy.forward(holed, ForwardOutputs.ALL);
        Alone a = alone(policy, reward, sequence);
        int vocab = policy.config().vocabSize();
        for (int t = 0; t < sequence.length; t++) {
            int at = t < hole ? t : t + 1;
            for (int v = 0; v < vocab; v++) {
                assertClose(a.out().logit(0, t, v), out.logit(0, at, v), TOLERANCE, "logit(" + t + ", " + v + ")");
            }
            assertClose(a.out().values()[0][t], out.values()[0][at], TOLERANCE, "value " + t);
        }
        assertClose(a.score(), reward.score(holed)[0], TOLERANCE, "score");
    }
}
