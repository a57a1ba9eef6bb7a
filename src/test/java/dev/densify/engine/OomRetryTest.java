package dev.densify.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Halving and retrying on an out-of-memory, with failures injected by the attempt. */
class OomRetryTest {

    @Test
    void halvesUntilTheCallFits() {
        List<Long> tried = new ArrayList<>();
        long before = OomRetry.retries();
        OomRetry.Outcome<String> out = OomRetry.run("dfy_test", 1000, 10, tokens -> {
            tried.add(tokens);
            if (tokens > 100) {
                throw new NativeOutOfMemoryException("dfy_test", "injected at " + tokens);
            }
            return "ran at " + tokens;
        });
        assertEquals(List.of(1000L, 500L, 250L, 125L, 62L), tried);
        assertEquals("ran at 62", out.value());
        assertEquals(62, out.tokens());
        assertEquals(4, out.retries());
        assertEquals(4, OomRetry.retries() - before);
    }

    @Test
    void floorIsTriedOnceThenTheErrorIsThrown() {
        List<Long> tried = new ArrayList<>();
        NativeOutOfMemoryException e = assertThrows(NativeOutOfMemoryException.class, () -> OomRetry.run("dfy_test", 40, 15,
                tokens -> {
                    tried.add(tokens);
                    throw new NativeOutOfMemoryException("dfy_test", "always");
                }));
        assertEquals(List.of(40L, 20L, 15L), tried);
        assertEquals(true, e.getMessage().contains("always"));
    }

    @Test
    void otherFailuresAreNotRetried() {
        List<Long> tried = new ArrayList<>();
        assertThrows(DeviceException.class, () -> OomRetry.run("dfy_test", 64, 1, tokens -> {
            tried.add(tokens);
            throw new DeviceException("dfy_test", "gone");
        }));
        assertEquals(List.of(64L), tried);
        assertThrows(IllegalArgumentException.class, () -> OomRetry.run("dfy_test", 4, 8, t -> t));
        assertThrows(IllegalArgumentException.class, () -> OomRetry.run("dfy_test", 4, 0, t -> t));
    }
}
