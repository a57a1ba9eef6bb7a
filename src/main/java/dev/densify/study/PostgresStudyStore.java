package dev.densify.study;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A study in a PostgreSQL database (JDBC, {@code org.postgresql:postgresql}), shared by any number
 * of worker processes on any machines ({@link SharedStudyStorage}). One database holds any number
 * of studies, by name.
 *
 * <p><b>Schema</b> (version {@value #SCHEMA_VERSION}, in {@code densify_schema}; created by the
 * first process, under an advisory lock, in one transaction; a database holding another version is
 * refused and left untouched):
 * <ul>
 *   <li>{@code densify_studies(id, name UNIQUE, config TEXT (StudyConfig JSON), created, updated)};</li>
 *   <li>{@code densify_trials(study_id, number, state, origin, parameters, seed, objective,
 *       learning_curve, metrics, error, attempts, created, started, finished, worker, retry_of)},
 *       the columns of the SQLite schema plus the worker that last ran the trial and, for a retry,
 *       the lost trial it repeats;</li>
 *   <li>{@code densify_workers(study_id, id, host, pid, started, heartbeat, grace_ms, state)}.</li>
 * </ul>
 * Times are the server's ({@code now()}), so that workers' clocks need not agree.
 *
 * <p><b>Claims.</b> A worker first takes the lowest PENDING trial with
 * {@code SELECT … FOR UPDATE SKIP LOCKED} (two workers never take the same row, neither waits for
 * the other). When none is left it locks the study's row ({@code SELECT … FOR UPDATE}), which
 * serialises the reaping of lost workers and the proposals: under that lock it gives up the trials
 * of workers whose heartbeat is older than their grace period, counts the budget and, if a trial
 * is still to be created, records the proposer's trial as RUNNING for itself, all in one
 * transaction. A result is recorded only by the worker the trial is RUNNING for.
 *
 * <p><b>Connections.</b> One for the study's state changes, one for the heartbeat (so a heartbeat
 * never waits behind a proposal). Connecting gives up after {@value #CONNECT_TIMEOUT_S} s.
 */
public final class PostgresStudyStore implements SharedStudyStorage {

    /** The schema this code reads and writes. */
    public static final int SCHEMA_VERSION = 1;
    static final int CONNECT_TIMEOUT_S = 10;
    /** Key of the advisory lock taken while the schema is created ("DFYS"). */
    private static final long SCHEMA_LOCK = 0x44465953L;

    private final StorageUrl url;
    private final String name;
    private final int studyId;
    private Connection connection;
    /** The trial this worker runs (claimed and not yet recorded), or null. */
    private Integer running;
    private volatile Consumer<String> notices = line -> { };
    private final Object heartbeatLock = new Object();
    private final String workerId;
    private Connection heartbeatConnection;
    private StudyConfig config;
    private boolean closed;

    private PostgresStudyStore(StorageUrl url, String name, int studyId, Connection connection, StudyConfig config) {
        this.url = url;
        this.name = name;
        this.studyId = studyId;
        this.connection = connection;
        this.config = config;
        this.workerId = newWorkerId();
    }

    /**
     * Opens study {@code name} in the database, creating the schema when the database has none and
     * the study when {@code create} and it does not exist.
     *
     * <p>An existing study must have the same configuration except {@link StudyConfig#trials()} (a
     * new budget is recorded).
     *
     * @param config the configuration (null: join the study as it is stored; it must exist)
     * @param create whether a missing study is created (false: a worker joining; the study must exist)
     * @throws StudyException the server is unreachable or refuses the login, the database holds
     *                        another schema version, the study does not exist (joining) or holds
     *                        another configuration
     */
    public static PostgresStudyStore open(StorageUrl url, String name, StudyConfig config) {
        return open(url, name, config, config != null);
    }

    /** {@link #open(StorageUrl, String, StudyConfig)}, creating a missing study only when {@code create}. */
    public static PostgresStudyStore open(StorageUrl url, String name, StudyConfig config, boolean create) {
        if (create && config == null) {
            throw new IllegalArgumentException("creating a study needs its configuration");
        }
        if (url == null || !url.shared()) {
            throw new IllegalArgumentException("not a PostgreSQL storage: " + url);
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("a study name must be 1 to 200 characters, got '" + name + "'");
        }
        Connection c = connect(url);
        try {
            ensureSchema(url, c);
            c.setAutoCommit(false);
            int id;
            StudyConfig stored;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, config FROM densify_studies WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getInt(1);
                        stored = parseConfig(url, name, rs.getString(2));
                    } else {
                        id = -1;
                        stored = null;
                    }
                }
            }
            if (stored == null) {
                if (!create) {
                    c.rollback();
                    throw new StudyException("there is no study '" + name + "' in " + url
                            + "; start it once without --worker (with its settings), then add workers");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO densify_studies (name, config) VALUES (?, ?) "
                        + "ON CONFLICT (name) DO NOTHING")) {
                    ps.setString(1, name);
                    ps.setString(2, StudyJson.compact(config.toJson()));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT id, config FROM densify_studies WHERE name = ?")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        id = rs.getInt(1);
                        stored = parseConfig(url, name, rs.getString(2));
                    }
                }
            }
            c.commit();
            if (config != null) {
                List<String> diff = stored.differencesExceptTrials(config);
                if (!diff.isEmpty()) {
                    throw new StudyException("study '" + name + "' in " + url + " has another configuration (differs in "
                            + String.join(", ", diff) + "): stored " + stored.toJson() + ", given " + config.toJson()
                            + "; use another --study-name, or the stored settings");
                }
            }
            PostgresStudyStore store = new PostgresStudyStore(url, name, id, c, stored);
            if (config != null && stored.trials() != config.trials()) {
                store.updateBudget(config.trials());
            }
            return store;
        } catch (SQLException e) {
            TrialRows.closeQuietly(c);
            throw failure(url, e);
        } catch (RuntimeException e) {
            TrialRows.closeQuietly(c);
            throw e;
        }
    }

    /** The study's name in its database. */
    public String name() {
        return name;
    }

    @Override
    public String location() {
        return url + "#" + name;
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public synchronized StudyConfig config() {
        return config;
    }

    @Override
    public synchronized List<TrialRecord> trials() {
        checkOpen();
        return transaction(() -> query("SELECT * FROM densify_trials WHERE study_id = ? ORDER BY number", null));
    }

    @Override
    public synchronized Optional<TrialRecord> trial(int number) {
        checkOpen();
        List<TrialRecord> r = transaction(() -> query("SELECT * FROM densify_trials WHERE study_id = ? AND number = ?",
                number));
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    /** Refused: a shared study gives up only the trials of lost workers ({@link #claim}). */
    @Override
    public List<Integer> requeueRunning() {
        throw new IllegalStateException("a study shared by workers (" + location() + ") re-queues no trial on "
                + "start: the trials of workers that stopped beating are given up and retried by claim()");
    }

    @Override
    public synchronized List<TrialRecord> addPending(List<NewTrial> trials) {
        checkOpen();
        List<Integer> numbers = transaction(() -> {
            List<Integer> added = new ArrayList<>();
            for (NewTrial t : trials) {
                added.add(insert(t, "PENDING", null));
            }
            return added;
        });
        List<TrialRecord> out = new ArrayList<>();
        for (int n : numbers) {
            out.add(trial(n).orElseThrow());
        }
        return out;
    }

    @Override
    public synchronized TrialRecord markRunning(int number) {
        checkOpen();
        transaction(() -> {
            TrialRows.expectOne(start(number), number, "PENDING");
            return null;
        });
        running = number;
        return trial(number).orElseThrow();
    }

    @Override
    public synchronized TrialRecord markComplete(int number, double objective, List<Double> learningCurve,
                                                 Map<String, Double> metrics) {
        if (!Double.isFinite(objective)) {
            throw new IllegalArgumentException("a complete trial needs a finite objective, got " + objective);
        }
        return end(number, "COMPLETE", "objective = ?, learning_curve = ?, metrics = ?, error = NULL", ps -> {
            ps.setDouble(1, objective);
            ps.setString(2, StudyJson.compact(StudyJson.list(learningCurve)));
            ps.setString(3, StudyJson.compact(StudyJson.map(metrics)));
            return 4;
        });
    }

    @Override
    public synchronized TrialRecord markFailed(int number, String error) {
        return end(number, "FAILED", "objective = NULL, error = ?", ps -> {
            ps.setString(1, error == null ? "unknown error" : error);
            return 2;
        });
    }

    @FunctionalInterface
    private interface Binder {
        /** Binds the assignments' parameters; returns the next parameter index. */
        int bind(PreparedStatement ps) throws SQLException;
    }

    /** RUNNING (for this worker) → {@code state}; one transaction. */
    private TrialRecord end(int number, String state, String assignments, Binder binder) {
        checkOpen();
        transaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE densify_trials SET state = '" + state + "', "
                    + assignments + ", finished = now() "
                    + "WHERE study_id = ? AND number = ? AND state = 'RUNNING' AND worker = ?")) {
                int i = binder.bind(ps);
                ps.setInt(i, studyId);
                ps.setInt(i + 1, number);
                ps.setString(i + 2, workerId);
                int updated = ps.executeUpdate();
                // After a lost connection this may be a retry whose first attempt committed.
                if (updated == 0 && endedByThisWorker(number, state)) {
                    return null;
                }
                TrialRows.expectOne(updated, number, "RUNNING for worker " + workerId);
            }
            return null;
        });
        running = null;
        return trial(number).orElseThrow();
    }

    private boolean endedByThisWorker(int number, String state) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM densify_trials "
                + "WHERE study_id = ? AND number = ? AND state = ? AND worker = ?")) {
            ps.setInt(1, studyId);
            ps.setInt(2, number);
            ps.setString(3, state);
            ps.setString(4, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public synchronized void register(Duration grace) {
        checkOpen();
        if (grace == null || grace.toMillis() < 100) {
            throw new IllegalArgumentException("the heartbeat grace period must be at least 100 ms, got " + grace);
        }
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        transaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO densify_workers "
                    + "(study_id, id, host, pid, started, heartbeat, grace_ms, state) "
                    + "VALUES (?, ?, ?, ?, now(), now(), ?, 'alive')")) {
                ps.setInt(1, studyId);
                ps.setString(2, workerId);
                ps.setString(3, host);
                ps.setLong(4, pid);
                ps.setLong(5, grace.toMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void heartbeat() {
        synchronized (heartbeatLock) {
            try {
                if (heartbeatConnection == null) {
                    heartbeatConnection = connect(url);
                }
                try (PreparedStatement ps = heartbeatConnection.prepareStatement("UPDATE densify_workers "
                        + "SET heartbeat = now(), state = 'alive' WHERE study_id = ? AND id = ? AND state <> 'stopped'")) {
                    ps.setInt(1, studyId);
                    ps.setString(2, workerId);
                    ps.executeUpdate();
                }
            } catch (SQLException e) {
                TrialRows.closeQuietly(heartbeatConnection);
                heartbeatConnection = null; // reconnect on the next beat
                throw failure(url, e);
            }
        }
    }

    @Override
    public synchronized void unregister() {
        checkOpen();
        transaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE densify_workers SET state = 'stopped', "
                    + "heartbeat = now() WHERE study_id = ? AND id = ?")) {
                ps.setInt(1, studyId);
                ps.setString(2, workerId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public synchronized Claim claim(Proposer proposer) {
        Claim claim = claimOnce(proposer);
        if (claim instanceof Claim.Trial t) {
            running = t.trial().number();
        }
        return claim;
    }

    @Override
    public void onNotice(Consumer<String> sink) {
        notices = sink == null ? line -> { } : sink;
    }

    private Claim claimOnce(Proposer proposer) {
        checkOpen();
        // Fast path: a PENDING trial, taken without the proposal lock.
        TrialRecord pending = transaction(this::claimPending);
        if (pending != null) {
            return new Claim.Trial(pending);
        }
        return transaction(() -> {
            String stored;
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT config FROM densify_studies WHERE id = ? FOR UPDATE")) {
                ps.setInt(1, studyId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    stored = rs.getString(1);
                }
            }
            config = parseConfig(url, name, stored);
            reapLostWorkers();
            TrialRecord claimed = claimPending();
            if (claimed != null) {
                return new Claim.Trial(claimed);
            }
            List<TrialRecord> all = query("SELECT * FROM densify_trials WHERE study_id = ? ORDER BY number", null);
            Map<Integer, Integer> retried = retriesInTransaction();
            long counted = all.stream().filter(t -> !retried.containsKey(t.number())).count();
            if (counted < config.trials()) {
                NewTrial next = proposer.apply(all);
                int number = insert(next, "RUNNING", null);
                return new Claim.Trial(query("SELECT * FROM densify_trials WHERE study_id = ? AND number = ?",
                        number).get(0));
            }
            boolean unfinished = all.stream().anyMatch(t -> !t.state().finished());
            return unfinished ? new Claim.Wait() : new Claim.Done();
        });
    }

    @Override
    public synchronized List<Worker> workers() {
        checkOpen();
        return transaction(() -> {
            List<Worker> out = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT id, host, pid, started, heartbeat, grace_ms, "
                    + "state, (EXTRACT(EPOCH FROM (now() - heartbeat)) * 1000)::BIGINT AS since_ms "
                    + "FROM densify_workers WHERE study_id = ? ORDER BY started, id")) {
                ps.setInt(1, studyId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Duration grace = Duration.ofMillis(rs.getLong("grace_ms"));
                        Duration since = Duration.ofMillis(Math.max(0, rs.getLong("since_ms")));
                        String state = rs.getString("state");
                        if (Worker.ALIVE.equals(state) && since.compareTo(grace) > 0) {
                            state = Worker.LOST; // not yet reaped by a claim
                        }
                        out.add(new Worker(rs.getString("id"), rs.getString("host"), rs.getLong("pid"),
                                instant(rs, "started"), instant(rs, "heartbeat"), grace, state, since));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized Map<Integer, String> trialWorkers() {
        checkOpen();
        return transaction(() -> {
            Map<Integer, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT number, worker FROM densify_trials "
                    + "WHERE study_id = ? AND worker IS NOT NULL ORDER BY number")) {
                ps.setInt(1, studyId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getInt(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized Map<Integer, Integer> retries() {
        checkOpen();
        return transaction(this::retriesInTransaction);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        TrialRows.closeQuietly(connection);
        synchronized (heartbeatLock) {
            TrialRows.closeQuietly(heartbeatConnection);
            heartbeatConnection = null;
        }
    }

    // ---- internals ---------------------------------------------------------------------------

    private TrialRecord claimPending() throws SQLException {
        Integer number = null;
        try (PreparedStatement ps = connection.prepareStatement("SELECT number FROM densify_trials "
                + "WHERE study_id = ? AND state = 'PENDING' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED")) {
            ps.setInt(1, studyId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    number = rs.getInt(1);
                }
            }
        }
        if (number == null) {
            return null;
        }
        TrialRows.expectOne(start(number), number, "PENDING");
        return query("SELECT * FROM densify_trials WHERE study_id = ? AND number = ?", number).get(0);
    }

    private int start(int number) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE densify_trials SET state = 'RUNNING', "
                + "attempts = attempts + 1, started = now(), finished = NULL, error = NULL, worker = ? "
                + "WHERE study_id = ? AND number = ? AND state = 'PENDING'")) {
            ps.setString(1, workerId);
            ps.setInt(2, studyId);
            ps.setInt(3, number);
            return ps.executeUpdate();
        }
    }

    /**
     * Under the study's lock: FAILED for the RUNNING trials of workers silent for longer than their
     * grace period; a retry (same parameters and seed) for each that is not itself a retry.
     */
    private void reapLostWorkers() throws SQLException {
        record Lost(int number, Integer retryOf, String parameters, long seed) {
        }
        List<Lost> lost = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("UPDATE densify_trials t SET state = 'FAILED', "
                + "objective = NULL, finished = now(), error = 'lost: worker ' || w.id || ' on ' || w.host "
                + "|| ' (pid ' || w.pid || ') stopped beating at ' || to_char(w.heartbeat AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ', grace ' || (w.grace_ms / 1000.0)::NUMERIC(12, 3) || ' s' "
                + "FROM densify_workers w WHERE t.study_id = ? AND t.state = 'RUNNING' AND w.study_id = t.study_id "
                + "AND w.id = t.worker AND w.heartbeat < now() - w.grace_ms * INTERVAL '1 millisecond' "
                + "RETURNING t.number, t.retry_of, t.parameters, t.seed")) {
            ps.setInt(1, studyId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int retryOf = rs.getInt(2);
                    Integer of = rs.wasNull() ? null : retryOf;
                    lost.add(new Lost(rs.getInt(1), of, rs.getString(3), rs.getLong(4)));
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("UPDATE densify_workers SET state = 'lost' "
                + "WHERE study_id = ? AND state = 'alive' AND heartbeat < now() - grace_ms * INTERVAL '1 millisecond'")) {
            ps.setInt(1, studyId);
            ps.executeUpdate();
        }
        lost.sort((a, b) -> Integer.compare(a.number(), b.number()));
        for (Lost l : lost) {
            if (l.retryOf() == null) {
                insert(new NewTrial(TrialRecord.RETRY, StudyJson.readMap(l.parameters()), l.seed()), "PENDING", l.number());
            }
        }
    }

    private Map<Integer, Integer> retriesInTransaction() throws SQLException {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT retry_of, number FROM densify_trials "
                + "WHERE study_id = ? AND retry_of IS NOT NULL ORDER BY retry_of")) {
            ps.setInt(1, studyId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    /** Inserts a trial numbered after the last; RUNNING ones are this worker's, started now. */
    private int insert(NewTrial t, String state, Integer retryOf) throws SQLException {
        int next;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT COALESCE(MAX(number) + 1, 0) FROM densify_trials WHERE study_id = ?")) {
            ps.setInt(1, studyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                next = rs.getInt(1);
            }
        }
        boolean running = state.equals("RUNNING");
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO densify_trials (study_id, number, state, "
                + "origin, parameters, seed, attempts, created, started, worker, retry_of) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, now(), " + (running ? "now()" : "NULL") + ", ?, ?)")) {
            ps.setInt(1, studyId);
            ps.setInt(2, next);
            ps.setString(3, state);
            ps.setString(4, t.origin());
            ps.setString(5, StudyJson.compact(StudyJson.map(t.parameters())));
            ps.setLong(6, t.seed());
            ps.setInt(7, running ? 1 : 0);
            ps.setString(8, running ? workerId : null);
            if (retryOf == null) {
                ps.setNull(9, java.sql.Types.INTEGER);
            } else {
                ps.setInt(9, retryOf);
            }
            ps.executeUpdate();
        }
        return next;
    }

    private void updateBudget(int trials) {
        transaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT config FROM densify_studies WHERE id = ? FOR UPDATE")) {
                ps.setInt(1, studyId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    config = parseConfig(url, name, rs.getString(1)).withTrials(trials);
                }
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE densify_studies SET config = ?, updated = now() WHERE id = ?")) {
                ps.setString(1, StudyJson.compact(config.toJson()));
                ps.setInt(2, studyId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * One transaction; when the connection is lost (the server restarted, a network cut, the
     * backend terminated) it reconnects, waiting 0.5, 1, 2, … s, and runs the transaction again,
     * up to {@value #RECONNECT_ATTEMPTS} times. A retried transaction may follow one that committed
     * without the answer arriving: claims this worker does not know of go back to PENDING first,
     * and recording a trial's end twice is recognised.
     */
    private <T> T transaction(TrialRows.Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return TrialRows.transaction(connection, work, e -> failure(url, e));
            } catch (StudyException e) {
                if (!(e.getCause() instanceof SQLException cause) || !connectionLost(cause)
                        || attempt > RECONNECT_ATTEMPTS) {
                    throw e;
                }
                notices.accept("the study database connection was lost (" + cause.getMessage() + "); reconnecting ("
                        + attempt + " of " + RECONNECT_ATTEMPTS + ")");
                try {
                    Thread.sleep(500L << (attempt - 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                reconnect();
            }
        }
    }

    /** Reconnection attempts of a transaction (waits 0.5 + 1 + … + 16 s = 31.5 s in all). */
    static final int RECONNECT_ATTEMPTS = 6;

    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        // 08: connection exceptions; 57P01-57P03: the server shut the backend down or is starting
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }

    /** A new connection; this worker's claims other than the trial it runs go back to PENDING. */
    private void reconnect() {
        Connection fresh;
        try {
            fresh = connect(url);
            fresh.setAutoCommit(false);
        } catch (StudyException | SQLException e) {
            return; // the next attempt fails on the old connection and tries again
        }
        TrialRows.closeQuietly(connection);
        connection = fresh;
        try {
            TrialRows.transaction(connection, () -> {
                try (PreparedStatement ps = connection.prepareStatement("UPDATE densify_trials SET state = 'PENDING', "
                        + "worker = NULL, started = NULL, attempts = attempts - 1 WHERE study_id = ? AND state = 'RUNNING' "
                        + "AND worker = ? AND number <> ?")) {
                    ps.setInt(1, studyId);
                    ps.setString(2, workerId);
                    ps.setInt(3, running == null ? -1 : running);
                    int released = ps.executeUpdate();
                    if (released > 0) {
                        notices.accept(released + " claim(s) made as the connection broke went back to PENDING");
                    }
                }
                return null;
            }, e -> failure(url, e));
            notices.accept("reconnected to the study database");
        } catch (StudyException e) {
            // the connection broke again: the next attempt reconnects again
        }
    }

    private List<TrialRecord> query(String sql, Integer number) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setInt(1, studyId);
            if (number != null) {
                ps.setInt(2, number);
            }
            List<TrialRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(record(rs));
                }
            }
            return out;
        }
    }

    private TrialRecord record(ResultSet rs) throws SQLException {
        return TrialRows.read(rs, PostgresStudyStore::instant, location());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("study store " + location() + " is closed");
        }
    }

    private static StudyConfig parseConfig(StorageUrl url, String name, String json) {
        try {
            return StudyConfig.parse(json);
        } catch (IllegalArgumentException e) {
            throw new StudyException("study '" + name + "' in " + url + " holds an unreadable configuration: "
                    + e.getMessage(), e);
        }
    }

    /** Creates the schema in an empty database, or checks its version; one transaction. */
    private static void ensureSchema(StorageUrl url, Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('densify_schema') IS NOT NULL")) {
                rs.next();
                exists = rs.getBoolean(1);
            }
            if (exists) {
                Integer version = null;
                try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM densify_schema")) {
                    if (rs.next()) {
                        version = rs.getInt(1);
                        if (rs.wasNull()) {
                            version = null;
                        }
                    }
                }
                c.rollback();
                if (version == null || version != SCHEMA_VERSION) {
                    throw new StudyException(url + " holds densify studies of schema version " + version
                            + "; this densify reads version " + SCHEMA_VERSION + " (left untouched)");
                }
                return;
            }
            s.executeUpdate("CREATE TABLE densify_schema (version INTEGER NOT NULL)");
            s.executeUpdate("INSERT INTO densify_schema (version) VALUES (" + SCHEMA_VERSION + ")");
            s.executeUpdate("CREATE TABLE densify_studies (id SERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                    + "config TEXT NOT NULL, created TIMESTAMPTZ NOT NULL DEFAULT now(), "
                    + "updated TIMESTAMPTZ NOT NULL DEFAULT now())");
            s.executeUpdate("CREATE TABLE densify_trials (study_id INTEGER NOT NULL REFERENCES densify_studies (id), "
                    + "number INTEGER NOT NULL CHECK (number >= 0), "
                    + "state TEXT NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'COMPLETE', 'FAILED')), "
                    + "origin TEXT NOT NULL, parameters TEXT NOT NULL, seed BIGINT NOT NULL, "
                    + "objective DOUBLE PRECISION, learning_curve TEXT, metrics TEXT, error TEXT, "
                    + "attempts INTEGER NOT NULL DEFAULT 0, created TIMESTAMPTZ NOT NULL, started TIMESTAMPTZ, "
                    + "finished TIMESTAMPTZ, worker TEXT, retry_of INTEGER, PRIMARY KEY (study_id, number))");
            s.executeUpdate("CREATE TABLE densify_workers (study_id INTEGER NOT NULL REFERENCES densify_studies (id), "
                    + "id TEXT NOT NULL, host TEXT NOT NULL, pid BIGINT NOT NULL, started TIMESTAMPTZ NOT NULL, "
                    + "heartbeat TIMESTAMPTZ NOT NULL, grace_ms BIGINT NOT NULL, "
                    + "state TEXT NOT NULL CHECK (state IN ('alive', 'lost', 'stopped')), PRIMARY KEY (study_id, id))");
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
    }

    private static Connection connect(StorageUrl url) {
        Properties p = new Properties();
        p.setProperty("user", url.user());
        String password = url.password() != null ? url.password() : System.getenv("PGPASSWORD");
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_S));
        p.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_S));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "densify");
        url.params().forEach(p::setProperty);
        try {
            Connection c = new org.postgresql.Driver().connect(url.jdbcUrl(), p);
            if (c == null) {
                throw new StudyException("the PostgreSQL driver refused " + url);
            }
            return c;
        } catch (SQLException e) {
            throw new StudyException("cannot connect to the study database " + url + ": " + e.getMessage(), e);
        }
    }

    private static StudyException failure(StorageUrl url, SQLException e) {
        return new StudyException("study database " + url + ": " + e.getMessage(), e);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    private static String newWorkerId() {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return hostName() + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(b);
    }
}
