package dev.densify.fuzz;

import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.FeatureSelection;
import dev.densify.attribution.ScoredSequence;
import dev.densify.bindings.densify_h;
import dev.densify.engine.DensifyException;
import dev.densify.engine.internal.Handles;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.GenerationOptions;
import dev.densify.model.ModelConfig;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.model.TokenBatch;
import dev.densify.study.Study;
import dev.densify.study.StudyConfig;
import dev.densify.study.StudyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random calls into the engine, seeded: random shapes, ids, lengths and options through every
 * model, generation and attribution call; raw C ABI calls with NULL and wrong-kind handles;
 * closed handles; random and mutated bytes as safetensors checkpoints and as study databases.
 * Nothing may crash the JVM or hang; every failure must be one of the documented exceptions
 * (a {@link DensifyException}, or the Java layer's {@link IllegalArgumentException},
 * {@link IllegalStateException} for a closed handle, {@link UnsupportedOperationException},
 * {@link StudyException}). The seed and the number of cases are printed;
 * {@code -Ddensify.fuzz.seed=S -Ddensify.fuzz.cases=N} replays or lengthens a run
 * ({@code scripts/fuzz} runs a long one).
 */
class FuzzTest {

    static final long SEED = Long.getLong("densify.fuzz.seed", 20261207L);
    static final int CASES = Integer.getInteger("densify.fuzz.cases", 300);
    static final ModelConfig CONFIG = new ModelConfig(37, 24, 16, 2, 2);

    @TempDir
    Path tmp;

    /** Counts outcomes; rethrows anything that is not a documented failure. */
    static final class Tally {
        final Map<String, Integer> counts = new TreeMap<>();

        void run(String what, Runnable call) {
            try {
                call.run();
                counts.merge(what + " ok", 1, Integer::sum);
            } catch (DensifyException | IllegalArgumentException | IllegalStateException
                     | UnsupportedOperationException | StudyException e) {
                counts.merge(what + " " + e.getClass().getSimpleName(), 1, Integer::sum);
                if (e.getClass() == DensifyException.class) {
                    System.out.println("[fuzz] " + what + ": " + e.getMessage());
                }
            } catch (RuntimeException e) {
                throw new AssertionError(what + ": undocumented " + e, e);
            }
        }

        int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    static int id(SplittableRandom r) {
        int k = r.nextInt(200);
        return k == 0 ? -1 - r.nextInt(3) : k == 1 ? CONFIG.vocabSize() + r.nextInt(3) : k == 2 ? Integer.MAX_VALUE
                : r.nextInt(CONFIG.vocabSize());
    }

    static int[] ids(SplittableRandom r, int max) {
        int n = r.nextInt(40) == 0 ? 0 : 1 + r.nextInt(max);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = id(r);
        }
        return out;
    }

    static int[][] rows(SplittableRandom r, int max) {
        int[][] out = new int[1 + r.nextInt(4)][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids(r, max);
        }
        return out;
    }

    static int size(SplittableRandom r) {
        int k = r.nextInt(30);
        return k == 0 ? 0 : k == 1 ? -r.nextInt(5) - 1 : k == 2 ? Integer.MAX_VALUE : k == 3 ? 1_000_000_000
                : 1 + r.nextInt(40);
    }

    static int dimension(SplittableRandom r) {
        int k = r.nextInt(30);
        return k == 0 ? 0 : k == 1 ? -1 - r.nextInt(5) : k == 2 ? 1 << 30 : 1 + r.nextInt(40);
    }

    static double real(SplittableRandom r) {
        int k = r.nextInt(25);
        return k == 0 ? Double.NaN : k == 1 ? -1 : k == 2 ? Double.POSITIVE_INFINITY : k == 3 ? 0 : r.nextDouble() * 2;
    }

    @Test
    void randomCallsFailCleanly() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        Tally t = new Tally();
        try (Policy policy = Policy.create(CONFIG, "cpu", 1); RewardModel reward = RewardModel.create(CONFIG, "cpu", 2)) {
            for (int c = 0; c < CASES; c++) {
                int[][] rows = rows(r, 30);
                switch (r.nextInt(6)) {
                    case 0 -> t.run("forward", () -> policy.forward(TokenBatch.rightPadded(rows, id(r)),
                            new ForwardOutputs(r.nextBoolean(), r.nextBoolean(), r.nextBoolean())));
                    case 1 -> t.run("score", () -> reward.score(rows));
                    case 2 -> t.run("generate", () -> policy.generate(rows, GenerationOptions.defaults()
                            .withMaxNewTokens(size(r)).withTemperature(real(r)).withTopK(size(r)).withTopP(real(r))
                            .withStopToken(id(r)).withPadToken(id(r)).withSeed(r.nextLong())
                            .withUseCache(r.nextBoolean())));
                    case 3 -> t.run("attribute", () -> {
                        AttributionOptions o = switch (r.nextInt(3)) {
                            case 0 -> AttributionOptions.kernelShap().withSelection(r.nextBoolean()
                                    ? FeatureSelection.none() : FeatureSelection.top(size(r)));
                            case 1 -> AttributionOptions.lime().withKernelWidth(real(r)).withRidgeAlpha(real(r));
                            default -> AttributionOptions.attention();
                        };
                        if (r.nextInt(3) > 0) {
                            o = o.withSamples(size(r));
                        }
                        o = o.withBaselineToken(id(r)).withSeed(r.nextLong()).withMaxBatchTokens(size(r))
                                .withReusePrefix(r.nextBoolean());
                        List<ScoredSequence> seqs = new ArrayList<>();
                        for (int[] row : rows) {
                            seqs.add(new ScoredSequence(ids(r, 6), row));
                        }
                        Attributor.of(reward, o).attribute(seqs);
                    });
                    // Dimensions small, invalid or absurd (2^30 with a width of at least 64: hundreds of GiB,
                    // refused), never a model that fits but fills the machine.
                    case 4 -> t.run("policy create", () -> Policy.create(new ModelConfig(dimension(r), dimension(r),
                            64 * (1 + r.nextInt(2)), 1 + r.nextInt(2), 1 + r.nextInt(2), real(r)), "cpu",
                            r.nextLong()).close());
                    default -> t.run("batch", () -> TokenBatch.rightPadded(rows, id(r)));
                }
            }
        }
        // A model larger than the machine is an out-of-memory error in the project's words, before
        // anything is allocated (what libtorch's allocator refuses natively is checked in abi_test.c).
        var oom = org.junit.jupiter.api.Assertions.assertThrows(dev.densify.engine.NativeOutOfMemoryException.class,
                () -> Policy.create(new ModelConfig(1 << 20, 64, 1 << 16, 1, 1), "cpu", 1));
        assertTrue(oom.getMessage().contains("this machine has available"), oom.getMessage());
        assertTrue(t.counts.keySet().stream().noneMatch(k -> k.endsWith(" DensifyException")),
                "a failure of the base class (an internal error): " + t.counts);
        // Closed handles.
        Policy closed = Policy.create(CONFIG, "cpu", 3);
        closed.close();
        t.run("closed", () -> closed.generate(new int[][]{{1}}, GenerationOptions.defaults()));
        assertTrue(t.counts.containsKey("closed IllegalStateException"), t.counts.toString());
        System.out.println("[fuzz] seed " + SEED + ", " + t.total() + " calls: " + t.counts);
        assertEquals(CASES + 1, t.total());
    }

    /** Straight to the C ABI: NULL handles and a policy handle where a reward model belongs. */
    @Test
    void rawAbiCallsWithNullAndWrongKindHandles() {
        try (Policy policy = Policy.create(CONFIG, "cpu", 1); Arena arena = Arena.ofConfined()) {
            MemorySegment ids = arena.allocateFrom(ValueLayout.JAVA_LONG, 1, 2, 3);
            MemorySegment mask = arena.allocateFrom(ValueLayout.JAVA_LONG, 1, 1, 1);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, 3);
            MemorySegment kind = arena.allocate(ValueLayout.JAVA_INT);
            assertEquals(densify_h.DFY_ERR_INVALID_ARGUMENT(), densify_h.dfy_model_kind(MemorySegment.NULL, kind));
            assertEquals(densify_h.DFY_ERR_INVALID_ARGUMENT(),
                    densify_h.dfy_reward_score(MemorySegment.NULL, ids, mask, 1, 3, out));
            int status = Handles.of(policy).call(address -> densify_h.dfy_reward_score(MemorySegment.ofAddress(address),
                    ids, mask, 1, 3, out));
            assertNotEquals(densify_h.DFY_OK(), status, "a policy scored as a reward model");
            assertTrue(densify_h.dfy_last_error().reinterpret(4096).getString(0).contains("reward model"));
            assertEquals(densify_h.DFY_ERR_INVALID_ARGUMENT(),
                    densify_h.dfy_reward_score(MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, 1, 3, out));
        }
    }

    @Test
    void randomBytesAsCheckpointsAndStudyDatabases() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED ^ 0x5EED);
        Tally t = new Tally();
        Path good = tmp.resolve("good.safetensors");
        try (RewardModel m = RewardModel.create(CONFIG, "cpu", 4)) {
            m.save(good);
        }
        byte[] original = Files.readAllBytes(good);
        int files = Math.max(20, CASES / 5);
        for (int c = 0; c < files; c++) {
            byte[] bytes;
            if (r.nextInt(4) == 0) {
                bytes = new byte[r.nextInt(200)];
                r.nextBytes(bytes);
            } else {
                bytes = original.clone();
                int flips = 1 + r.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    // mostly in the header, where the structure is
                    int at = r.nextInt(3) > 0 ? r.nextInt(Math.min(bytes.length, 600)) : r.nextInt(bytes.length);
                    bytes[at] = (byte) r.nextInt(256);
                }
                if (r.nextInt(5) == 0) {
                    bytes = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length));
                }
            }
            Path f = tmp.resolve("fuzz-" + c + ".safetensors");
            Files.write(f, bytes);
            t.run("checkpoint", () -> {
                try (RewardModel m = RewardModel.load(f, CONFIG, "cpu")) {
                    m.score(new int[][]{{1, 2, 3}});
                }
            });
        }
        // Study databases: a real one, then mutated copies opened as studies.
        StudyConfig config = StudyConfig.defaults(2);
        Path study = tmp.resolve("study");
        Study.open(study, config, null).close();
        byte[] db = Files.readAllBytes(study.resolve(Study.DATABASE));
        for (int c = 0; c < files; c++) {
            byte[] bytes = db.clone();
            if (r.nextInt(4) == 0) {
                bytes = new byte[r.nextInt(4096)];
                r.nextBytes(bytes);
            } else {
                for (int k = 0, n = 1 + r.nextInt(16); k < n; k++) {
                    bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
                }
            }
            Path dir = Files.createDirectories(tmp.resolve("study-" + c));
            Files.write(dir.resolve(Study.DATABASE), bytes);
            t.run("study", () -> Study.open(dir, config, null).close());
        }
        System.out.println("[fuzz] seed " + (SEED ^ 0x5EED) + ", " + t.total() + " files: " + t.counts);
        assertEquals(2 * files, t.total());
    }
}
