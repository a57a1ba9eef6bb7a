package dev.densify.engine.internal;

import dev.densify.bindings.densify_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The downcalls on data-parallel groups ({@code dfy_group_*}). Stateless; thread-safe. */
public final class GroupCalls {

    private GroupCalls() {
    }

    public static boolean compiled() {
        Native.load();
        return densify_h.dfy_distributed_compiled() != 0;
    }

    /** Joins the group (blocks until every rank has joined or the connect timeout passes); the new handle's address. */
    public static long create(String masterHost, int masterPort, int rank, int worldSize, long connectTimeoutMs,
                              long timeoutMs) {
        Native.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check("dfy_group_create", densify_h.dfy_group_create(arena.allocateFrom(masterHost), masterPort,
                    rank, worldSize, connectTimeoutMs, timeoutMs, out));
            return Native.address(out);
        }
    }

    public static void free(long address) {
        densify_h.dfy_group_free(Native.pointer(address));
    }

    /** Sums the values over the ranks; holds the group's lock. */
    public static double[] allReduceSum(NativeHandle group, double[] values) {
        return group.call(address -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, values);
                Native.check("dfy_group_allreduce_sum", densify_h.dfy_group_allreduce_sum(Native.pointer(address), v,
                        values.length));
                return v.toArray(ValueLayout.JAVA_DOUBLE);
            }
        });
    }

    /** Gives every rank's model root's weights; holds the group's, then the model's lock. */
    public static void broadcast(NativeHandle group, NativeHandle model, int root) {
        group.call(g -> model.call(m -> {
            Native.check("dfy_group_broadcast_model", densify_h.dfy_group_broadcast_model(Native.pointer(g),
                    Native.pointer(m), root));
            return null;
        }));
    }
}
