package dev.densify.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.engine.DensifyException;
import dev.densify.engine.InvalidArgumentException;
import dev.densify.engine.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model whose weights or activations are not finite gives errors, not numbers: NaN weights are
 * refused on load, and generate, score and forward refuse NaN outputs (they printed tokens
 * 0,0,0 with log-prob NaN and a NaN score before). And a
 * generation longer than the context is refused before any buffer is sized by it.
 */
class NonFiniteModelTest {

    static final ModelConfig CONFIG = new ModelConfig(41, 32, 32, 2, 4);

    /** Overwrites the token embedding of a safetensors file with {@code value}. */
    static void poisonEmbedding(Path file, float value) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            int headerLength = (int) len.getLong(0);
            ByteBuffer header = ByteBuffer.allocate(headerLength);
            ch.read(header, 8);
            JsonNode entry = Json.MAPPER.readTree(new String(header.array(), StandardCharsets.UTF_8))
                    .get("transformer.wte.weight");
            long begin = entry.get("data_offsets").get(0).asLong();
            long end = entry.get("data_offsets").get(1).asLong();
            ByteBuffer nan = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            while (nan.hasRemaining()) {
                nan.putFloat(value);
            }
            nan.flip();
            ch.write(nan, 8 + headerLength + begin);
        }
    }

    @Test
    void nonFiniteWeightsAreErrorsInGenerateScoreAndForward(@TempDir Path tmp) throws Exception {
        Path policyFile = tmp.resolve("policy.safetensors");
        Path rewardFile = tmp.resolve("reward.safetensors");
        try (Policy p = Policy.create(CONFIG, "cpu", 1); RewardModel r = RewardModel.create(CONFIG, "cpu", 2)) {
            p.save(policyFile);
            r.save(rewardFile);
        }
        // Finite weights so large that the activations overflow: the load passes, the outputs are NaN.
        poisonEmbedding(policyFile, 3e38f);
        poisonEmbedding(rewardFile, 3e38f);
        try (Policy p = Policy.load(policyFile, "cpu"); RewardModel r = RewardModel.load(rewardFile, "cpu")) {
            var g = assertThrows(DensifyException.class, () -> p.generate(new int[][]{{1, 2, 3}},
                    GenerationOptions.defaults().withMaxNewTokens(4).withSeed(1)));
            assertTrue(g.getMessage().contains("non-finite") && g.getMessage().contains("generated"), g.getMessage());
            var s = assertThrows(DensifyException.class, () -> r.score(new int[][]{{1, 2, 3}}));
            assertTrue(s.getMessage().contains("non-finite") && s.getMessage().contains("scores"), s.getMessage());
            var f = assertThrows(DensifyException.class,
                    () -> p.forward(TokenBatch.rightPadded(new int[][]{{1, 2}, {3}}, 0), ForwardOutputs.VALUES));
            assertTrue(f.getMessage().contains("non-finite") && f.getMessage().contains("values"), f.getMessage());
        }
    }

    @Test
    void nanWeightsAreRefusedOnLoadNamingTheTensor(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("reward.safetensors");
        try (RewardModel r = RewardModel.create(CONFIG, "cpu", 2)) {
            r.save(file);
        }
        poisonEmbedding(file, Float.NaN);
        var e = assertThrows(dev.densify.engine.FormatException.class, () -> RewardModel.load(file, "cpu"));
        assertTrue(e.getMessage().contains("transformer.wte.weight") && e.getMessage().contains("NaN or infinite"),
                e.getMessage());
    }

    @Test
    void aGenerationLongerThanTheContextIsRefusedBeforeAnythingIsAllocated() {
        try (Policy p = Policy.create(CONFIG, "cpu", 1)) {
            var e = assertThrows(InvalidArgumentException.class, () -> p.generate(new int[][]{{1, 2}, {3, 4}},
                    GenerationOptions.defaults().withMaxNewTokens(1_000_000_000)));
            assertTrue(e.getMessage().contains("longer than the model's context of 32"), e.getMessage());
        }
    }
}
