package dev.densify.rl;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where this process sits in a data-parallel run, read from torchrun's environment variables
 * ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}),
 * so that torchrun, Slurm and Kubernetes launchers work unchanged; {@code densify train --nproc}
 * sets the same variables for its child processes.
 *
 * @param rank          this process, in [0, worldSize)
 * @param worldSize     the number of processes, ≥ 1
 * @param localRank     this process among those of its machine, in [0, worldSize)
 * @param masterHost the host of rank 0, which hosts the rendezvous store
 * @param masterPort    the rendezvous store's port, in [1, 65535]
 */
public record DistributedEnvironment(int rank, int worldSize, int localRank, String masterHost, int masterPort) {

    public static final String RANK = "RANK";
    public static final String WORLD_SIZE = "WORLD_SIZE";
    public static final String LOCAL_RANK = "LOCAL_RANK";
    public static final String MASTER_ADDR = "MASTER_ADDR";
    public static final String MASTER_PORT = "MASTER_PORT";

    public DistributedEnvironment {
        Objects.requireNonNull(masterHost, "masterHost");
        if (worldSize < 1) {
            throw new IllegalArgumentException(WORLD_SIZE + " must be >= 1, got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException(RANK + " must be in [0, " + WORLD_SIZE + " = " + worldSize + "), got "
                    + rank);
        }
        if (localRank < 0 || localRank >= worldSize) {
            throw new IllegalArgumentException(LOCAL_RANK + " must be in [0, " + WORLD_SIZE + " = " + worldSize
                    + "), got " + localRank);
        }
        if (masterHost.isBlank() || masterHost.length() > 255 || masterHost.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException(MASTER_ADDR + " must be a host name or address, got '" + masterHost
                    + "'");
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new IllegalArgumentException(MASTER_PORT + " must be in [1, 65535], got " + masterPort);
        }
    }

    /**
     * The environment's data-parallel settings, or empty when neither {@code RANK} nor
     * {@code WORLD_SIZE} is set (a single process).
     *
     * @throws IllegalArgumentException naming the variable that is missing or malformed
     */
    public static Optional<DistributedEnvironment> from(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String rank = env.get(RANK);
        String world = env.get(WORLD_SIZE);
        if (rank == null && world == null) {
            return Optional.empty();
        }
        if (rank == null || world == null) {
            throw new IllegalArgumentException((rank == null ? RANK : WORLD_SIZE) + " is not set, but "
                    + (rank == null ? WORLD_SIZE : RANK) + " is: a data-parallel run needs both (as torchrun sets them)");
        }
        int r = integer(env, RANK);
        int w = integer(env, WORLD_SIZE);
        int local = env.containsKey(LOCAL_RANK) ? integer(env, LOCAL_RANK) : r;
        String address = env.get(MASTER_ADDR);
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException(MASTER_ADDR + " is not set: with " + RANK + " and " + WORLD_SIZE
                    + " set, the host of rank 0 must be given (e.g. MASTER_ADDR=127.0.0.1)");
        }
        if (!env.containsKey(MASTER_PORT)) {
            throw new IllegalArgumentException(MASTER_PORT + " is not set: with " + RANK + " and " + WORLD_SIZE
                    + " set, the port of rank 0's rendezvous store must be given (e.g. MASTER_PORT=29500)");
        }
        return Optional.of(new DistributedEnvironment(r, w, local, address.strip(), integer(env, MASTER_PORT)));
    }

    private static int integer(Map<String, String> env, String name) {
        String value = env.get(name).strip();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
        }
    }

    /**
     * The device this rank trains on: a bare {@code cuda} is {@code cuda:LOCAL_RANK} (one GPU a
     * rank on a node, as torchrun launches); {@code cpu} or an explicit {@code cuda:N} as given.
     */
    public String device(String requested) {
        return "cuda".equals(requested) ? "cuda:" + localRank : requested;
    }

    /** The variables that describe this process, for a child process's environment. */
    public Map<String, String> variables() {
        return Map.of(RANK, Integer.toString(rank), WORLD_SIZE, Integer.toString(worldSize), LOCAL_RANK,
                Integer.toString(localRank), MASTER_ADDR, masterHost, MASTER_PORT, Integer.toString(masterPort));
    }
}
