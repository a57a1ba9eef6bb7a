package dev.densify.study;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Studies shared by worker processes over a real PostgreSQL server, started here on 127.0.0.1
 * ({@link PostgresServer}).
 */
class PostgresStudyTest {

    static final int TRIALS = 12;
    private static PostgresServer server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Twelve Sobol trials (so the table does not depend on which worker finished first). */
    static StudyConfig config() {
        return StudyTest.three(TRIALS).withSeed(31).withInitialDesignSize(TRIALS);
    }

    private StorageUrl freshDatabase() throws Exception {
        return server.createDatabase("study_" + DATABASES.incrementAndGet());
    }

    /** The same study run by one process over SQLite: the reference table. */
    private List<TrialRecord> reference(StudyConfig config) throws Exception {
        try (Study study = Study.open(tmp.resolve("reference"), config, null)) {
            study.run(Synthetic.of(config, StudyTest.TARGET3));
            return study.trials();
        }
    }

    private Process worker(StorageUrl url, String name, String label, long sleepMs, long graceMs, Path marker)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), WorkerChild.class.getName(),
                url.toString(), name, tmp.resolve(label).toString(), Long.toString(sleepMs), Long.toString(graceMs)));
        if (marker != null) {
            argv.add(marker.toString());
        }
        return new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(label + ".log").toFile()).start();
    }

    private void awaitSuccess(Process p, String label) throws Exception {
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(label + " did not finish:\n" + Files.readString(tmp.resolve(label + ".log")));
        }
        assertEquals(0, p.exitValue(), label + ":\n" + Files.readString(tmp.resolve(label + ".log")));
    }

    private static void assertSameTrial(TrialRecord expected, TrialRecord actual) {
        assertEquals(expected.parameters(), actual.parameters(), "parameters of trial " + expected.number());
        assertEquals(expected.seed(), actual.seed(), "seed of trial " + expected.number());
        assertEquals(expected.objective(), actual.objective(), 0.0, "objective of trial " + expected.number());
        assertEquals(expected.learningCurve(), actual.learningCurve(), "curve of trial " + expected.number());
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void threeWorkerProcessesRunEveryTrialOnceWithTheSingleProcessTable() throws Exception {
        StorageUrl url = freshDatabase();
        StudyConfig config = config();
        PostgresStudyStore.open(url, "shared", config).close(); // the study exists before workers join
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(worker(url, "shared", "worker-" + w, 400, 5_000, null));
        }
        for (int w = 0; w < 3; w++) {
            awaitSuccess(workers.get(w), "worker-" + w);
        }
        List<TrialRecord> expected = reference(config);
        try (PostgresStudyStore store = PostgresStudyStore.open(url, "shared", null)) {
            List<TrialRecord> trials = store.trials();
            assertEquals(TRIALS, trials.size(), trials.toString());
            for (int i = 0; i < TRIALS; i++) {
                TrialRecord t = trials.get(i);
                assertEquals(i, t.number());
                assertEquals(TrialState.COMPLETE, t.state(), t.toString());
                assertEquals(1, t.attempts(), "trial " + i + " ran once");
                assertSameTrial(expected.get(i), t);
            }
            Map<Integer, String> ranBy = store.trialWorkers();
            assertEquals(TRIALS, ranBy.size());
            assertTrue(new HashSet<>(ranBy.values()).size() >= 2, "the trials were shared: " + ranBy);
            List<SharedStudyStorage.Worker> registered = store.workers();
            assertEquals(3, registered.size(), registered.toString());
            for (SharedStudyStorage.Worker w : registered) {
                assertEquals(SharedStudyStorage.Worker.STOPPED, w.state(), w.toString());
            }
            assertTrue(store.retries().isEmpty());
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aSigkilledWorkersTrialIsGivenUpAfterTheGracePeriodAndRetriedOnce() throws Exception {
        StorageUrl url = freshDatabase();
        StudyConfig config = config();
        PostgresStudyStore.open(url, "killed", config).close();
        Path marker = tmp.resolve("hung-trial");
        Process doomed = worker(url, "killed", "doomed", 0, 1_500, marker);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marker) || Files.readString(marker).isBlank()) {
            if (!doomed.isAlive() || System.nanoTime() > deadline) {
                fail("the doomed worker did not start a trial:\n" + Files.readString(tmp.resolve("doomed.log")));
            }
            Thread.sleep(20);
        }
        int lost = Integer.parseInt(Files.readString(marker).strip());
        List<Process> others = List.of(worker(url, "killed", "worker-a", 200, 1_500, null),
                worker(url, "killed", "worker-b", 200, 1_500, null));
        Thread.sleep(300);
        doomed.destroyForcibly(); // SIGKILL, mid-trial
        assertTrue(doomed.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, doomed.exitValue());
        awaitSuccess(others.get(0), "worker-a");
        awaitSuccess(others.get(1), "worker-b");

        List<TrialRecord> expected = reference(config);
        try (PostgresStudyStore store = PostgresStudyStore.open(url, "killed", null)) {
            List<TrialRecord> trials = store.trials();
            assertEquals(TRIALS + 1, trials.size(), "the budget plus the retry: " + trials);
            TrialRecord failed = trials.get(lost);
            assertEquals(TrialState.FAILED, failed.state());
            assertTrue(failed.error().startsWith("lost: worker "), failed.error());
            assertTrue(failed.error().contains("grace 1.5"), failed.error());
            Map<Integer, Integer> retries = store.retries();
            assertEquals(1, retries.size(), retries.toString());
            int retry = retries.get(lost);
            TrialRecord again = trials.get(retry);
            assertEquals(TrialRecord.RETRY, again.origin());
            assertEquals(TrialState.COMPLETE, again.state());
            // every other trial once, complete; the k-th trial that is not a retry is the reference's
            // k-th (the lost one included), and the retry is the lost one's
            int k = 0;
            for (TrialRecord t : trials) {
                if (t.number() == retry) {
                    assertSameTrial(expected.get(lost), t);
                    continue;
                }
                if (t.number() != lost) {
                    assertEquals(TrialState.COMPLETE, t.state(), t.toString());
                    assertEquals(1, t.attempts());
                    assertSameTrial(expected.get(k), t);
                }
                k++;
            }
            assertEquals(TRIALS, k);
            long lostWorkers = store.workers().stream()
                    .filter(w -> w.state().equals(SharedStudyStorage.Worker.LOST)).count();
            assertEquals(1, lostWorkers, store.workers().toString());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void asynchronousWorkersModelProposalsStayApart() throws Exception {
        StorageUrl url = freshDatabase();
        StudyConfig config = StudyTest.three(10).withSeed(8).withInitialDesignSize(4);
        PostgresStudyStore.open(url, "async", config).close();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 0; w < 3; w++) {
            Path run = tmp.resolve("async-" + w);
            threads.add(Thread.ofPlatform().start(() -> {
                try (Study study = Study.open(run, PostgresStudyStore.open(url, "async", null), null)
                        .withWorkerTiming(Duration.ofSeconds(30), Duration.ofMillis(50))) {
                    Synthetic f = Synthetic.of(config, StudyTest.TARGET3);
                    study.run((spec, listener) -> {
                        Thread.sleep(150);
                        return f.run(spec, listener);
                    });
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(errors.isEmpty(), errors.toString());
        try (PostgresStudyStore store = PostgresStudyStore.open(url, "async", null)) {
            List<TrialRecord> trials = store.trials();
            assertEquals(10, trials.size());
            assertTrue(trials.stream().allMatch(t -> t.state() == TrialState.COMPLETE && t.attempts() == 1));
            assertTrue(trials.stream().anyMatch(t -> t.origin().equals(TrialRecord.MODEL)), trials.toString());
            List<String> names = config.searchSpace().names();
            Set<String> distinct = new HashSet<>();
            for (TrialRecord t : trials) {
                distinct.add(t.parameters().toString());
            }
            assertEquals(10, distinct.size(), "no point proposed twice");
            for (int i = 0; i < trials.size(); i++) {
                for (int j = 0; j < i; j++) {
                    double[] a = trials.get(i).point(names), b = trials.get(j).point(names);
                    double d = 0;
                    for (int k = 0; k < a.length; k++) {
                        d = Math.max(d, Math.abs(a[k] - b[k]));
                    }
                    assertTrue(d > 1e-3, "trials " + j + " and " + i + " coincide");
                }
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void workersReconnectWhenTheServerDropsTheirConnections() throws Exception {
        StorageUrl url = freshDatabase();
        StudyConfig config = StudyTest.three(8).withSeed(13).withInitialDesignSize(8);
        PostgresStudyStore.open(url, "drops", config).close();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream log = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Path run = tmp.resolve("drops-" + w);
            threads.add(Thread.ofPlatform().start(() -> {
                try (Study study = Study.open(run, PostgresStudyStore.open(url, "drops", null), log)
                        .withWorkerTiming(Duration.ofSeconds(30), Duration.ofMillis(50))) {
                    Synthetic f = Synthetic.of(config, StudyTest.TARGET3);
                    study.run((spec, listener) -> {
                        Thread.sleep(300);
                        return f.run(spec, listener);
                    });
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        try (PostgresStudyStore watcher = PostgresStudyStore.open(url, "drops", null)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (watcher.trials().stream().filter(t -> t.state() == TrialState.COMPLETE).count() < 2) {
                assertTrue(System.nanoTime() < deadline, "no progress");
                Thread.sleep(20);
            }
            // every connection to the study's database, the workers' and heartbeats' included
            for (int cut = 0; cut < 2; cut++) {
                server.execute(url.database(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND pid <> pg_backend_pid()");
                Thread.sleep(700);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(errors.isEmpty(), errors + "\n" + text);
        assertTrue(text.contains("the study database connection was lost") && text.contains("reconnected to the study database"),
                text);
        List<TrialRecord> expected;
        try (Study study = Study.open(tmp.resolve("drops-reference"), config, null)) {
            study.run(Synthetic.of(config, StudyTest.TARGET3));
            expected = study.trials();
        }
        try (PostgresStudyStore store = PostgresStudyStore.open(url, "drops", null)) {
            List<TrialRecord> trials = store.trials();
            assertEquals(8, trials.size(), trials.toString());
            for (int i = 0; i < trials.size(); i++) {
                assertEquals(TrialState.COMPLETE, trials.get(i).state(), trials.get(i).toString());
                assertEquals(1, trials.get(i).attempts(), trials.get(i).toString());
                assertSameTrial(expected.get(i), trials.get(i));
            }
            assertTrue(store.retries().isEmpty(), "no worker was lost: " + store.workers());
        }
    }

    @Test
    void unreachableServerFailsFastWithAClearError() {
        StorageUrl url = StorageUrl.parse("postgresql://densify@127.0.0.1:1/nowhere");
        long t0 = System.nanoTime();
        StudyException e = assertThrows(StudyException.class, () -> PostgresStudyStore.open(url, "x", config()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < PostgresStudyStore.CONNECT_TIMEOUT_S + 5, "gave up after " + seconds + " s");
        assertTrue(e.getMessage().startsWith("cannot connect to the study database postgresql://densify@127.0.0.1:1/nowhere"),
                e.getMessage());
    }

    @Test
    void aSchemaOfAnotherVersionIsRefusedAndLeftUntouched() throws Exception {
        StorageUrl url = freshDatabase();
        PostgresStudyStore.open(url, "s", config()).close();
        server.execute(url.database(), "UPDATE densify_schema SET version = 99");
        StudyException e = assertThrows(StudyException.class, () -> PostgresStudyStore.open(url, "s", config()));
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        assertTrue(e.getMessage().contains("reads version " + PostgresStudyStore.SCHEMA_VERSION), e.getMessage());
        server.execute(url.database(), "UPDATE densify_schema SET version = " + PostgresStudyStore.SCHEMA_VERSION);
        try (PostgresStudyStore store = PostgresStudyStore.open(url, "s", null)) {
            assertEquals(config(), store.config());
        }
    }

    @Test
    void aStudyNameWithAnotherConfigurationIsRefused() throws Exception {
        StorageUrl url = freshDatabase();
        PostgresStudyStore.open(url, "named", config()).close();
        StudyException e = assertThrows(StudyException.class,
                () -> PostgresStudyStore.open(url, "named", config().withSeed(32)));
        assertTrue(e.getMessage().contains("study 'named'") && e.getMessage().contains("another configuration")
                && e.getMessage().contains("seed"), e.getMessage());
        // another budget is not another configuration: it is recorded
        try (PostgresStudyStore store = PostgresStudyStore.open(url, "named", config().withTrials(20))) {
            assertEquals(20, store.config().trials());
        }
        try (PostgresStudyStore store = PostgresStudyStore.open(url, "named", null)) {
            assertEquals(20, store.config().trials());
        }
    }

    @Test
    void joiningAStudyThatDoesNotExistIsRefused() throws Exception {
        StorageUrl url = freshDatabase();
        StudyException e = assertThrows(StudyException.class, () -> PostgresStudyStore.open(url, "missing", null));
        assertTrue(e.getMessage().contains("there is no study 'missing'"), e.getMessage());
    }

    @Test
    void aResultOfATrialGivenUpIsDiscarded() throws Exception {
        StorageUrl url = freshDatabase();
        PostgresStudyStore.open(url, "late", config()).close();
        try (PostgresStudyStore slow = PostgresStudyStore.open(url, "late", null);
             PostgresStudyStore other = PostgresStudyStore.open(url, "late", null)) {
            slow.register(Duration.ofMillis(200));
            SharedStudyStorage.Claim c = slow.claim(all -> new StudyStorage.NewTrial(TrialRecord.SOBOL,
                    Map.of("sparse", 0.2, "shap", 0.5, "lime", 0.3), 7));
            TrialRecord mine = ((SharedStudyStorage.Claim.Trial) c).trial();
            assertEquals(slow.workerId(), other.trialWorkers().get(mine.number()));
            Thread.sleep(600); // no heartbeat: lost
            other.register(Duration.ofSeconds(30));
            SharedStudyStorage.Claim retry = other.claim(all -> fail("the retry comes first"));
            TrialRecord again = ((SharedStudyStorage.Claim.Trial) retry).trial();
            assertEquals(TrialRecord.RETRY, again.origin());
            assertEquals(mine.parameters(), again.parameters());
            assertEquals(mine.seed(), again.seed());
            assertEquals(Map.of(mine.number(), again.number()), other.retries());
            IllegalStateException late = assertThrows(IllegalStateException.class,
                    () -> slow.markComplete(mine.number(), 1.0, List.of(), Map.of()));
            assertTrue(late.getMessage().contains("is not RUNNING for worker " + slow.workerId()), late.getMessage());
            TrialRecord lostTrial = other.trial(mine.number()).orElseThrow();
            assertEquals(TrialState.FAILED, lostTrial.state());
            assertNotNull(lostTrial.error());
            assertFalse(Double.isFinite(lostTrial.objective()));
        }
    }
}
