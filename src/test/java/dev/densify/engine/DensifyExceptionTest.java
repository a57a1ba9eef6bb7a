package dev.densify.engine;

import dev.densify.bindings.densify_h;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Statuses map to exception types, and messages name the function. */
class DensifyExceptionTest {

    @Test
    void statusSelectsTheSubclass() {
        Map<Integer, Class<? extends DensifyException>> expected = Map.of(
                densify_h.DFY_ERR_INVALID_ARGUMENT(), InvalidArgumentException.class,
                densify_h.DFY_ERR_FORMAT(), FormatException.class,
                densify_h.DFY_ERR_DEVICE(), DeviceException.class,
                densify_h.DFY_ERR_OUT_OF_MEMORY(), NativeOutOfMemoryException.class,
                densify_h.DFY_ERR_CALLBACK(), CallbackException.class,
                densify_h.DFY_ERR_INTERNAL(), DensifyException.class,
                12345, DensifyException.class);
        expected.forEach((status, type) -> {
            DensifyException e = DensifyException.of("dfy_policy_forward", status, "bad thing");
            assertSame(type, e.getClass(), "status " + status);
            assertEquals(status, e.status());
            assertEquals("dfy_policy_forward", e.function());
            assertEquals("bad thing", e.detail());
            assertEquals("dfy_policy_forward: bad thing", e.getMessage());
        });
    }

    @Test
    void emptyNativeMessageStillSaysSomething() {
        DensifyException e = DensifyException.of("dfy_model_load", 99, "");
        assertEquals("dfy_model_load: failed with status 99 and no message", e.getMessage());
    }
}
