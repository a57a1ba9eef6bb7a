package dev.densify.engine;

import dev.densify.model.ForwardOutputs;
import dev.densify.model.ModelConfig;
import dev.densify.model.Policy;
import dev.densify.model.TokenBatch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sizes that drive an allocation are checked against the machine before anything is allocated:
 * a configuration's parameters (a config.json of a billion ids), a forward's logits.
 */
class MemoryBudgetTest {

    @Test
    void parameterCountIsGpt2s() {
        // GPT-2 small: 124,439,808 parameters with the tied LM head; a value head adds 769.
        assertEquals(124_439_808L + 769, new ModelConfig(50257, 1024, 768, 12, 12).parameterCount());
        assertEquals(-1, new ModelConfig(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 1)
                .parameterCount() < 0 ? -1 : 0);
    }

    @Test
    void aModelLargerThanTheMachineIsRefusedBeforeAllocating() {
        var e = assertThrows(NativeOutOfMemoryException.class,
                () -> Policy.create(new ModelConfig(1 << 30, 1024, 1024, 1, 1), "cpu", 1));
        assertTrue(e.getMessage().contains("this machine has available") && e.getMessage().contains("1,073,741,824 ids"),
                e.getMessage());
    }

    @Test
    void logitsLargerThanTheMachineAreRefusedBeforeAllocating() {
        ModelConfig c = new ModelConfig(50_000, 1024, 16, 1, 2);
        int rows = (int) Math.min(Integer.MAX_VALUE / 1024, MemoryBudget.machineBytes() / (1024L * 50_000 * 8) + 1);
        int[][] ids = new int[rows][1024];
        try (Policy p = Policy.create(c, "cpu", 1)) {
            var e = assertThrows(NativeOutOfMemoryException.class,
                    () -> p.forward(TokenBatch.of(ids), ForwardOutputs.LOGITS));
            assertTrue(e.getMessage().contains("logits of " + rows + " x 1024 x 50000"), e.getMessage());
        }
    }
}
