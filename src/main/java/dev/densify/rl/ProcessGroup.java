package dev.densify.rl;

import dev.densify.engine.internal.GroupCalls;
import dev.densify.engine.internal.Handles;
import dev.densify.engine.internal.NativeHandle;
import dev.densify.model.Policy;

import java.time.Duration;
import java.util.Objects;

/**
 * A group of processes that train one policy data-parallel (libtorch's c10d: a TCPStore hosted
 * by rank 0 and a Gloo process group). Every call on it is collective: each rank must make the
 * same calls in the same order. Calls are serialised per group; {@link #close()} is idempotent.
 */
public final class ProcessGroup implements AutoCloseable {

    private final NativeHandle handle;
    private final int rank;
    private final int worldSize;

    private ProcessGroup(NativeHandle handle, int rank, int worldSize) {
        this.handle = handle;
        this.rank = rank;
        this.worldSize = worldSize;
    }

    /** Whether this build of the native library has a distributed backend. */
    public static boolean available() {
        return GroupCalls.compiled();
    }

    /**
     * Joins the group the environment describes; returns once every rank has joined.
     *
     * @param connectTimeout how long to wait for the rendezvous (a missing rank or an unreachable
     *                       master then fails with {@code DeviceException} naming the master)
     * @param timeout        how long any collective may wait afterwards
     */
    public static ProcessGroup connect(DistributedEnvironment env, Duration connectTimeout, Duration timeout) {
        Objects.requireNonNull(env, "env");
        long connect = millis(connectTimeout, "connectTimeout");
        long each = millis(timeout, "timeout");
        long address = GroupCalls.create(env.masterHost(), env.masterPort(), env.rank(), env.worldSize(), connect,
                each);
        return new ProcessGroup(new NativeHandle("ProcessGroup", address, GroupCalls::free), env.rank(),
                env.worldSize());
    }

    private static long millis(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(name + " must be in (0, 1 day], got " + d);
        }
        return Math.max(1, d.toMillis());
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    /** The element-wise sums of every rank's values (the same length on every rank). */
    public double[] allReduceSum(double... values) {
        Objects.requireNonNull(values, "values");
        if (values.length == 0) {
            throw new IllegalArgumentException("nothing to sum: values is empty");
        }
        return GroupCalls.allReduceSum(handle, values.clone());
    }

    /** Gives every rank's policy the weights of root's (the configurations must agree). */
    public void broadcast(Policy policy, int root) {
        Objects.requireNonNull(policy, "policy");
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException("root must be in [0, " + worldSize + "), got " + root);
        }
        GroupCalls.broadcast(handle, Handles.of(policy), root);
    }

    /** Fails on every rank unless each passed the same value (e.g. a configuration's hash). */
    public void requireSame(long value, String what) {
        double high = (double) (value >>> 32);
        double low = (double) (value & 0xffffffffL);
        double[] sums = allReduceSum(high, high * high, low, low * low);
        for (int i = 0; i < 4; i += 2) {
            if (worldSize * sums[i + 1] != sums[i] * sums[i]) {
                throw new IllegalStateException("rank " + rank + ": " + what + " differs between the "
                        + worldSize + " processes");
            }
        }
    }

    NativeHandle handle() {
        return handle;
    }

    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "ProcessGroup[rank " + rank + " of " + worldSize + "]";
    }
}
