package dev.densify.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory arithmetic of batch budgets against numbers worked out by hand. */
class BatchBudgetTest {

    // GPT-2 small: 12 layers, width 768, 12 heads, 50,257 ids; 64 prompt + 128 response tokens.
    static final long L = 12, E = 768, H = 12, V = 50_257, K = 192;

    @Test
    void gpt2SmallBytesPerToken() {
        // KV cache 2*12*768 = 18,432; one layer 18*768 = 13,824; scores and probabilities
        // 2*12*192 = 4,608: 36,864 floats = 147,456 bytes.
        assertEquals(147_456, BatchBudget.bytesPerToken(L, E, H, V, K, 4, BatchBudget.Use.INFERENCE));
        // plus logits and log-softmax 2*50,257 = 100,514 floats: 137,378 floats = 549,512 bytes.
        assertEquals(549_512, BatchBudget.bytesPerToken(L, E, H, V, K, 4, BatchBudget.Use.LOGITS));
        // 12 layers kept for backward 12*(13,824 + 4,608) = 221,184, logits with gradients
        // 4*50,257 = 201,028: 422,212 floats = 1,688,848 bytes.
        assertEquals(1_688_848, BatchBudget.bytesPerToken(L, E, H, V, K, 4, BatchBudget.Use.TRAINING));
        // bfloat16 halves every term.
        assertEquals(73_728, BatchBudget.bytesPerToken(L, E, H, V, K, 2, BatchBudget.Use.INFERENCE));
    }

    @Test
    void tokensFromFreeMemory() {
        // Half of 8 GiB over 147,456 bytes: 4,294,967,296 / 147,456 = 29,127.1.
        assertEquals(29_127, BatchBudget.maxBatchTokens(8L << 30, 147_456, K));
        // An 80 GiB GPU: 42,949,672,960 / 147,456 = 291,271.1.
        assertEquals(291_271, BatchBudget.maxBatchTokens(80L << 30, 147_456, K));
        // PPO minibatch tokens on 8 GiB: 4,294,967,296 / 1,688,848 = 2,543.1.
        assertEquals(2_543, BatchBudget.maxBatchTokens(8L << 30, 1_688_848, K));
        // Never below one row of keys; an overflowed estimate (-1) gives one row too.
        assertEquals(K, BatchBudget.maxBatchTokens(1_000_000, 147_456, K));
        assertEquals(K, BatchBudget.maxBatchTokens(8L << 30, -1, K));
        assertEquals(1, BatchBudget.maxBatchTokens(0, 147_456, 1));
    }

    @Test
    void overflowAndBadInput() {
        assertEquals(-1, BatchBudget.bytesPerToken(1 << 30, 1 << 30, 1 << 30, V, 1L << 40, 4, BatchBudget.Use.TRAINING));
        assertThrows(IllegalArgumentException.class, () -> BatchBudget.bytesPerToken(0, E, H, V, K, 4, BatchBudget.Use.INFERENCE));
        assertThrows(IllegalArgumentException.class, () -> BatchBudget.bytesPerToken(L, E, H, V, 0, 4, BatchBudget.Use.INFERENCE));
        assertThrows(IllegalArgumentException.class, () -> BatchBudget.maxBatchTokens(-1, 147_456, K));
        assertThrows(IllegalArgumentException.class, () -> BatchBudget.maxBatchTokens(1 << 20, 0, K));
        assertThrows(IllegalArgumentException.class, () -> BatchBudget.freeBytes("tpu"));
    }

    @Test
    void cpuFreeMemoryIsTheMachines() {
        long free = BatchBudget.freeBytes("cpu");
        assertTrue(free > 0, "free " + free);
        long machine = MemoryBudget.machineBytes();
        // Read a moment apart: the same order of magnitude.
        assertTrue(free > machine / 2 && free < machine * 2, free + " vs " + machine);
        long tokens = BatchBudget.forDevice("cpu", L, E, H, V, K, 4, BatchBudget.Use.INFERENCE);
        assertEquals(BatchBudget.maxBatchTokens(free, 147_456, K), tokens, (double) tokens / 100);
    }
}
