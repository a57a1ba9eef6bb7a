package dev.densify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.DirectoryLock;
import dev.densify.testing.TestTasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code densify train --nproc 2} on the small task, and torchrun's environment checked. */
class DataParallelTrainTest {

    private static Path task;

    @TempDir
    Path tmp;

    @BeforeAll
    static void prepare() {
        task = TestTasks.reviewsSmall();
    }

    private Path config() throws IOException {
        Path c = tmp.resolve("ppo.json");
        if (!Files.exists(c)) {
            Files.writeString(c, "{\"batchSize\": 8, \"minibatchSize\": 2, \"ppoEpochs\": 2, \"validationEvery\": 5,"
                    + " \"validationPrompts\": 8}");
        }
        return c;
    }

    private CliRun train(Map<String, String> env, String run, int steps, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "--task-dir", task.toString(), "--out",
                tmp.resolve(run).toString(), "--config", config().toString(), "--steps", Integer.toString(steps),
                "--weights", "sparse=0.5,shap=0.25,lime=0.25", "--seed", "3"));
        args.addAll(List.of(more));
        return CliRun.of(env, args.toArray(String[]::new));
    }

    /** metrics.jsonl without the timings. */
    private List<String> metrics(String run) throws IOException {
        ObjectMapper m = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve(run).resolve("metrics.jsonl"))) {
            ObjectNode n = (ObjectNode) m.readTree(line);
            n.remove(List.of("generate_s", "score_s", "attribute_s", "update_s", "step_s"));
            out.add(n.toString());
        }
        return out;
    }

    private Set<String> files(String run) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve(run))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void twoProcessesTrainAndAResumedRunEndsAsAnUninterruptedOne() throws IOException {
        CliRun straight = train(Map.of(), "straight", 10, "--nproc", "2", "--json");
        assertEquals(0, straight.code(), straight.err());
        List<String> expected = metrics("straight");
        assertEquals(10, expected.size());
        JsonNode result = new ObjectMapper().readTree(straight.out());
        assertTrue(result.path("validation").has("reward"), straight.out());
        assertEquals(Set.of("checkpoint", "config.json", "metrics.csv", "metrics.jsonl", "report.html", "run.lock",
                "samples.json", "validation.csv", "validation.jsonl"), files("straight"), "rank 0's files only");
        assertTrue(straight.err().contains("[rank 0]") && !straight.err().contains("[rank 1] ppo"),
                "rank 0 alone reports progress:\n" + straight.err());

        CliRun first = train(Map.of(), "resumed", 5, "--nproc", "2");
        assertEquals(0, first.code(), first.err());
        assertEquals(expected.subList(0, 5), metrics("resumed"), "the first five steps");
        CliRun second = train(Map.of(), "resumed", 10, "--nproc", "2");
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("resuming"), second.err());
        assertEquals(expected, metrics("resumed"), "resumed at step 5 vs uninterrupted");

        // The ranks sample streams of their own: two processes are not one process's run.
        CliRun alone = train(Map.of(), "alone", 10);
        assertEquals(0, alone.code(), alone.err());
        assertFalse(expected.equals(metrics("alone")), "two ranks drew the same rollouts as one process");
    }

    /**
     * Rank 0 fails (another process holds the run's lock) after both ranks joined the group: the
     * launcher stops rank 1, which waits in a collective of two hours' timeout, and exits with 1.
     */
    @Test
    void whenOneRankFailsTheOthersAreStoppedAndItsStatusIsReturned() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("locked"));
        try (DirectoryLock held = DirectoryLock.acquire(run, "run.lock", "the test's run")) {
            long t0 = System.nanoTime();
            CliRun r = train(Map.of(), "locked", 2, "--nproc", "2");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("[rank 0] densify: error:"), r.err());
            assertTrue(r.err().contains("densify: rank 0 exited with status 1; stopped the other 1 rank(s)"), r.err());
            assertTrue(seconds < 60, "took " + seconds + " s");
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void badProcessCountsAndEnvironmentsAreRefusedClearly() throws IOException {
        CliRun zero = train(Map.of(), "zero", 2, "--nproc", "0");
        assertEquals(2, zero.code(), zero.err());
        assertTrue(zero.err().contains("--nproc must be >= 1, got 0"), zero.err());

        CliRun uneven = train(Map.of(), "uneven", 2, "--nproc", "3");
        assertEquals(2, uneven.code(), uneven.err());
        assertTrue(uneven.err().contains("batch size (8) must be a multiple of the 3 processes"), uneven.err());

        CliRun noMaster = train(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_PORT", "29500"), "no-master", 2);
        assertEquals(2, noMaster.code(), noMaster.err());
        assertTrue(noMaster.err().contains("MASTER_ADDR is not set"), noMaster.err());

        CliRun rank = train(Map.of("RANK", "2", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "29500"),
                "rank", 2);
        assertEquals(2, rank.code(), rank.err());
        assertTrue(rank.err().contains("RANK must be in [0, WORLD_SIZE = 2), got 2"), rank.err());

        CliRun both = train(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "29500"),
                "both", 2, "--nproc", "2");
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("cannot be combined with RANK/WORLD_SIZE"), both.err());

        // Rank 1 of 2 with nobody at the master: a bounded wait, an error naming it, nothing written.
        int port = freePort();
        long t0 = System.nanoTime();
        CliRun unreachable = train(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT",
                Integer.toString(port)), "unreachable", 2, "--connect-timeout", "2");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, unreachable.code(), unreachable.err());
        assertTrue(unreachable.err().contains("127.0.0.1:" + port) && unreachable.err().contains("rendezvous"),
                unreachable.err());
        assertTrue(seconds < 30, "gave up after " + seconds + " s");
        for (String run : List.of("zero", "uneven", "no-master", "rank", "both", "unreachable")) {
            assertFalse(Files.exists(tmp.resolve(run)), run + " wrote its run directory");
        }
    }
}
