package dev.densify.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelConfigTest {

    private static final String GPT2 = "\"vocab_size\": 50, \"n_positions\": 16, \"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2";

    @Test
    void anotherArchitectureIsRefusedWithTheWayOut() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModelConfig.parse("{\"model_type\": \"llama\", " + GPT2 + "}", "my/config.json"));
        assertTrue(e.getMessage().startsWith("my/config.json: model_type is 'llama'")
                && e.getMessage().contains("TorchScript") && e.getMessage().contains("--reward-url") && e.getMessage().contains("--reward-class"), e.getMessage());
        assertEquals(50, ModelConfig.parse("{\"model_type\": \"gpt2\", " + GPT2 + "}", "c").vocabSize());
        assertEquals(50, ModelConfig.parse("{" + GPT2 + "}", "c").vocabSize());
    }
}
