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
 * A model whose weights are not finite gives errors, not numbers: generate, score and forward
 * refuse NaN outputs (they printed tokens 0,0,0 with log-prob NaN and a NaN score before). And a
 * generation longer than the context is refused before any buffer is sized by it.
 */
class NonFiniteModelTest {

    static final ModelConfig CONFIG = new ModelConfig(41, 32, 32, 2, 4);

    /** Overwrites the token embedding of a safetensors file with NaN. */
    static void poisonEmbedding(Path file) throws Exception {
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
                nan.putFloat(Float.NaN);
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
        poisonEmbedding(policyFile);
        poisonEmbedding(rewardFile);
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
    void aGenerationLongerThanTheContextIsRefusedBeforeAnythingIsAllocated() {
        try (Policy p = Policy.create(CONFIG, "cpu", 1)) {
            var e = assertThrows(InvalidArgumentException.class, () -> p.generate(new int[][]{{1, 2}, {3, 4}},
                    GenerationOptions.defaults().withMaxNewTokens(1_000_000_000)));
            assertTrue(e.getMessage().contains("longer than the model's context of 32"), e.getMessage());
        }
    }
}
