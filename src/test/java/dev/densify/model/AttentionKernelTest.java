package dev.densify.model;

import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.ScoredSequence;
import dev.densify.engine.AttentionKernel;
import dev.densify.engine.Densify;
import dev.densify.engine.InvalidArgumentException;
import dev.densify.engine.internal.EngineCalls;
import dev.densify.testing.ReferenceGpt2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.densify.model.ModelFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two attention kernels. The plain kernel (every build) gives the plain-Java GPT-2's numbers
 * on left- and right-padded batches; the fused kernel (builds against libtorch 2.x) gives the
 * plain kernel's within 1e-5 on every kind of mask the engine builds, and a build without it
 * refuses it and reports the plain kernel.
 */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class AttentionKernelTest {

    static final double FUSED_TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    @AfterEach
    void restoreDefault() {
        Densify.setAttentionKernel(Densify.fusedAttentionCompiled() ? AttentionKernel.FUSED : AttentionKernel.PLAIN);
    }

    private static int[][] sequences(ModelConfig c, long seed) {
        Random random = new Random(seed);
        return new int[][]{ModelFixtures.tokens(random, 11, c.vocabSize()), ModelFixtures.tokens(random, 1, c.vocabSize()),
                ModelFixtures.tokens(random, 6, c.vocabSize()), ModelFixtures.tokens(random, c.nPositions(), c.vocabSize())};
    }

    @Test
    void plainKernelMatchesReferenceOnPaddedBatches() {
        Densify.setAttentionKernel(AttentionKernel.PLAIN);
        assertEquals(AttentionKernel.PLAIN, Densify.attentionKernel());
        ModelConfig c = ModelFixtures.TINY;
        try (Policy policy = ModelFixtures.randomPolicy(tmp, c, 401); RewardModel reward = ModelFixtures.randomReward(tmp, c, 402)) {
            Path pf = tmp.resolve("p.safetensors");
            Path rf = tmp.resolve("r.safetensors");
            policy.save(pf);
            reward.save(rf);
            ReferenceGpt2 ref = new ReferenceGpt2(c, ModelFixtures.readSafetensors(pf).floats());
            ReferenceGpt2 refR = new ReferenceGpt2(c, ModelFixtures.readSafetensors(rf).floats());
            int[][] seqs = sequences(c, 9);
            int width = c.nPositions();
            PolicyOutput left = policy.forward(TokenBatch.leftPadded(seqs, 0), ForwardOutputs.ALL);
            PolicyOutput right = policy.forward(TokenBatch.rightPadded(seqs, 0), ForwardOutputs.ALL);
            float[] scores = reward.score(TokenBatch.leftPadded(seqs, 0));
            for (int s = 0; s < seqs.length; s++) {
                double[][] h = ref.hidden(seqs[s]);
                double[][] logits = ref.logits(h);
                double[] values = ref.values(h);
                int pad = width - seqs[s].length;
                for (int t = 0; t < seqs[s].length; t++) {
                    for (int v = 0; v < c.vocabSize(); v++) {
                        assertClose(logits[t][v], left.logit(s, pad + t, v), 1e-4, "left-padded row " + s + " logit(" + t + ", " + v + ")");
                        assertClose(logits[t][v], right.logit(s, t, v), 1e-4, "right-padded row " + s + " logit(" + t + ", " + v + ")");
                    }
                    assertClose(values[t], left.values()[s][pad + t], 1e-4, "left-padded row " + s + " value " + t);
                }
                assertClose(refR.score(refR.hidden(seqs[s])), scores[s], 1e-4, "left-padded score " + s);
            }
        }
    }

    @Test
    void fusedKernelMatchesPlainOrIsRefused() {
        String info = EngineCalls.runtimeInfoJson();
        if (!Densify.fusedAttentionCompiled()) {
            assertEquals(AttentionKernel.PLAIN, Densify.attentionKernel());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> Densify.setAttentionKernel(AttentionKernel.FUSED));
            assertTrue(e.getMessage().contains("libtorch >= 2.0"), e.getMessage());
            assertTrue(info.contains("\"attention\":\"plain\"") && info.contains("\"fused_attention_compiled\":0"), info);
            System.out.println("[attention] libtorch " + Densify.torchVersion() + ": fused kernel not compiled, plain only");
            return;
        }
        assertEquals(AttentionKernel.FUSED, Densify.attentionKernel(), "the default where compiled");
        assertTrue(info.contains("\"attention\":\"fused\"") && info.contains("\"fused_attention_compiled\":1"), info);
        ModelConfig c = ModelFixtures.TINY;
        try (Policy policy = ModelFixtures.randomPolicy(tmp, c, 411); RewardModel reward = ModelFixtures.randomReward(tmp, c, 412)) {
            Densify.setAttentionKernel(AttentionKernel.PLAIN);
            List<Object> plain = everything(policy, reward, c);
            Densify.setAttentionKernel(AttentionKernel.FUSED);
            List<Object> fused = everything(policy, reward, c);
            double worst = 0;
            for (int i = 0; i < plain.size(); i++) {
                if (plain.get(i) instanceof int[] ids) {
                    assertArrayEquals(ids, (int[]) fused.get(i), "greedy tokens, part " + i);
                    continue;
                }
                float[] a = (float[]) plain.get(i), b = (float[]) fused.get(i);
                for (int k = 0; k < a.length; k++) {
                    worst = Math.max(worst, Math.abs(a[k] - b[k]));
                    assertClose(a[k], b[k], FUSED_TOLERANCE, "part " + i + " element " + k);
                }
            }
            System.out.printf("[attention] fused vs plain: max |diff| %.3g%n", worst);
        }
    }

    /** Unpadded, left- and right-padded forwards, cached greedy decoding, left-padded scores, packed SHAP. */
    private static List<Object> everything(Policy policy, RewardModel reward, ModelConfig c) {
        int[][] seqs = sequences(c, 13);
        List<Object> out = new ArrayList<>();
        out.add(policy.forward(TokenBatch.of(new int[][]{seqs[0], seqs[0]}), ForwardOutputs.ALL).logits());
        out.add(policy.forward(TokenBatch.leftPadded(seqs, 0), ForwardOutputs.ALL).logits());
        out.add(policy.forward(TokenBatch.rightPadded(seqs, 0), ForwardOutputs.ALL).logits());
        Generation g = policy.generate(new int[][]{seqs[0], seqs[1], seqs[2]},
                GenerationOptions.defaults().withTemperature(0).withMaxNewTokens(8));
        for (int r = 0; r < 3; r++) {
            out.add(g.tokens()[r]);
            out.add(g.logprobs()[r]);
        }
        out.add(reward.score(TokenBatch.leftPadded(seqs, 0)));
        List<ScoredSequence> batch = List.of(new ScoredSequence(seqs[2], seqs[0]), new ScoredSequence(new int[0], seqs[2]));
        Attributor shap = Attributor.of(reward, AttributionOptions.kernelShap().withSamples(64).withMaxBatchTokens(40));
        for (var a : shap.attribute(batch)) {
            out.add(a.values());
        }
        return out;
    }
}
