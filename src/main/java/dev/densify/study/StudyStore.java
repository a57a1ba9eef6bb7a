package dev.densify.study;

import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The persistent state of a study: an SQLite database (JDBC, {@code org.xerial:sqlite-jdbc}),
 * conventionally {@code RUN/study.db}.
 *
 * <p><b>Schema</b> (version {@value #SCHEMA_VERSION}, in {@code PRAGMA user_version}; the file
 * carries {@code PRAGMA application_id} = {@value #APPLICATION_ID} ("DFYS") so that a foreign
 * SQLite file is recognised):
 * <ul>
 *   <li>{@code study(id = 1, schema_version, config TEXT (StudyConfig JSON), created, updated)};</li>
 *   <li>{@code trials(number PRIMARY KEY, state PENDING|RUNNING|COMPLETE|FAILED, origin,
 *       parameters TEXT (JSON object), seed, objective REAL, learning_curve TEXT (JSON array),
 *       metrics TEXT (JSON object), error TEXT, attempts, created, started, finished)} (timestamps
 *       ISO-8601 UTC).</li>
 * </ul>
 *
 * <p><b>Durability.</b> Each state change is one transaction ({@code synchronous = FULL}, rollback
 * journal): a process killed at any moment leaves every trial in its last committed state. A new
 * database is built under a temporary name and renamed into place, so a half-created study is
 * never seen.
 *
 * <p><b>Opening an existing file</b> never changes a file that is not a densify study: its header
 * is read first (plain file read: SQLite magic, application id, schema version), then, when no
 * journal is pending, it is opened read-only to check its integrity ({@code quick_check}) and
 * tables; only then is it opened for writing. A corrupt file, another application's database, or
 * a densify database of an unknown schema version raise a {@link StudyException} naming the file;
 * nothing is migrated or created in it.
 *
 * <p><b>Exclusion.</b> A writable store holds an exclusive lock on {@code <db>.lock} (released on
 * close or by the death of the process): a second process, or a second store in this process,
 * opening the same study is refused.
 * Read-only stores (reports) take no lock. Methods are synchronized; one store may serve the
 * threads of parallel trials.
 */
public final class StudyStore implements StudyStorage {

    /** {@code PRAGMA application_id} of a densify study database: "DFYS". */
    public static final int APPLICATION_ID = 0x44465953;
    /** {@code PRAGMA user_version}: the schema this code reads and writes. */
    public static final int SCHEMA_VERSION = 1;

    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int BUSY_TIMEOUT_MS = 10_000;
    private static final Set<String> TRIAL_COLUMNS = Set.of("number", "state", "origin", "parameters", "seed",
            "objective", "learning_curve", "metrics", "error", "attempts", "created", "started", "finished");
    /** Writable stores open in this JVM, by absolute path. */
    private static final Set<Path> OPEN_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();
    private static final Set<String> STUDY_COLUMNS = Set.of("id", "schema_version", "config", "created", "updated");

    private final Path path;
    private final Connection connection;
    private final boolean readOnly;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private StudyConfig config;
    private boolean closed;

    private StudyStore(Path path, Connection connection, boolean readOnly, FileChannel lockChannel, FileLock lock,
                       StudyConfig config) {
        this.path = path;
        this.connection = connection;
        this.readOnly = readOnly;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.config = config;
    }

    /**
     * Opens the study database at {@code db} for writing, creating it (and its directory) for
     * {@code config} when it does not exist.
     *
     * <p>An existing study must have the same configuration except {@link StudyConfig#trials()}:
     * a different budget is recorded (extending or cutting the study short).
     *
     * @throws StudyException the file is corrupt, foreign, of an unknown schema, holds another
     *                        configuration, or is in use by another process; the file is unchanged
     */
    public static StudyStore openOrCreate(Path db, StudyConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        Path file = db.toAbsolutePath().normalize();
        boolean exists = Files.exists(file);
        if (exists) {
            inspectHeader(file);
        }
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StudyException("cannot create the study directory " + file.getParent() + ": " + e.getMessage(), e);
        }
        if (!OPEN_IN_THIS_PROCESS.add(file)) {
            throw new StudyException("the study " + file + " is already open in this process");
        }
        FileChannel channel = null;
        FileLock fileLock = null;
        Connection conn = null;
        try {
            // (a second channel on the lock file is never opened in this process: closing it would
            // drop this process's POSIX lock)
            channel = FileChannel.open(lockPath(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                fileLock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                fileLock = null;
            }
            if (fileLock == null) {
                throw new StudyException("the study " + file + " is in use by another densify process (lock "
                        + lockPath(file) + ")");
            }
            exists = Files.exists(file);
            if (exists) {
                inspectHeader(file); // again: it may have appeared while we waited for the lock
            }
            if (!exists) {
                create(file, config);
            } else if (!hasJournal(file)) {
                try (Connection ro = connect(file, true)) {
                    verify(file, ro);
                } catch (SQLException e) {
                    throw unreadable(file, e);
                }
            }
            conn = connect(file, false);
            StudyConfig stored = verify(file, conn);
            List<String> diff = stored.differencesExceptTrials(config);
            if (!diff.isEmpty()) {
                throw new StudyException(file + " holds a study with another configuration (differs in "
                        + String.join(", ", diff) + "): stored " + stored.toJson() + ", given " + config.toJson()
                        + "; use another output directory, or the stored settings to resume");
            }
            conn.setAutoCommit(false);
            StudyStore store = new StudyStore(file, conn, false, channel, fileLock, stored);
            if (stored.trials() != config.trials()) {
                store.updateConfig(stored.withTrials(config.trials()));
            }
            return store;
        } catch (SQLException e) {
            TrialRows.closeQuietly(conn);
            releaseQuietly(fileLock, channel);
            OPEN_IN_THIS_PROCESS.remove(file);
            throw unreadable(file, e);
        } catch (IOException e) {
            TrialRows.closeQuietly(conn);
            releaseQuietly(fileLock, channel);
            OPEN_IN_THIS_PROCESS.remove(file);
            throw new StudyException("cannot open the study " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            TrialRows.closeQuietly(conn);
            releaseQuietly(fileLock, channel);
            OPEN_IN_THIS_PROCESS.remove(file);
            throw e;
        }
    }

    /**
     * Opens an existing study database read-only (for reports; takes no lock, may run beside a
     * running study).
     *
     * @throws StudyException the file does not exist, or is corrupt, foreign or of an unknown schema
     */
    public static StudyStore openReadOnly(Path db) {
        Path file = db.toAbsolutePath().normalize();
        if (!Files.exists(file)) {
            throw new StudyException("no study database at " + file);
        }
        inspectHeader(file);
        Connection conn = null;
        try {
            conn = connect(file, true);
            StudyConfig stored = verify(file, conn);
            return new StudyStore(file, conn, true, null, null, stored); // auto-commit: no lingering read lock
        } catch (SQLException e) {
            TrialRows.closeQuietly(conn);
            throw unreadable(file, e);
        }
    }

    /** The database file. */
    public Path path() {
        return path;
    }

    @Override
    public String location() {
        return "sqlite:" + path;
    }

    /** The study's configuration (with the latest budget). */
    @Override
    public synchronized StudyConfig config() {
        return config;
    }

    /** All trials, by number. */
    @Override
    public synchronized List<TrialRecord> trials() {
        checkOpen();
        return query("SELECT * FROM trials ORDER BY number", null);
    }

    /** One trial. */
    @Override
    public synchronized Optional<TrialRecord> trial(int number) {
        checkOpen();
        List<TrialRecord> r = query("SELECT * FROM trials WHERE number = ?", number);
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    /**
     * Puts trials left RUNNING (by a process that died) back to PENDING, keeping their parameters
     * and seeds; one transaction.
     *
     * @return their numbers
     */
    @Override
    public synchronized List<Integer> requeueRunning() {
        checkWritable();
        return transaction(() -> {
            List<Integer> numbers = new ArrayList<>();
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT number FROM trials WHERE state = 'RUNNING' ORDER BY number")) {
                while (rs.next()) {
                    numbers.add(rs.getInt(1));
                }
            }
            try (Statement s = connection.createStatement()) {
                s.executeUpdate("UPDATE trials SET state = 'PENDING', started = NULL WHERE state = 'RUNNING'");
            }
            return numbers;
        });
    }

    /** Records new PENDING trials, numbered after the last one; one transaction. */
    @Override
    public synchronized List<TrialRecord> addPending(List<NewTrial> trials) {
        checkWritable();
        String now = Instant.now().toString();
        List<Integer> numbers = transaction(() -> {
            int next;
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(number) + 1, 0) FROM trials")) {
                rs.next();
                next = rs.getInt(1);
            }
            List<Integer> added = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO trials (number, state, origin, parameters, seed, attempts, created) "
                            + "VALUES (?, 'PENDING', ?, ?, ?, 0, ?)")) {
                for (NewTrial t : trials) {
                    ps.setInt(1, next);
                    ps.setString(2, t.origin());
                    ps.setString(3, StudyJson.compact(StudyJson.map(t.parameters())));
                    ps.setLong(4, t.seed());
                    ps.setString(5, now);
                    ps.executeUpdate();
                    added.add(next++);
                }
            }
            return added;
        });
        List<TrialRecord> out = new ArrayList<>();
        for (int n : numbers) {
            out.add(trial(n).orElseThrow());
        }
        return out;
    }

    /** PENDING → RUNNING (attempts + 1, started = now, no error); one transaction. */
    @Override
    public synchronized TrialRecord markRunning(int number) {
        checkWritable();
        String now = Instant.now().toString();
        transaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = 'RUNNING', "
                    + "attempts = attempts + 1, started = ?, finished = NULL, error = NULL "
                    + "WHERE number = ? AND state = 'PENDING'")) {
                ps.setString(1, now);
                ps.setInt(2, number);
                TrialRows.expectOne(ps.executeUpdate(), number, "PENDING");
            }
            return null;
        });
        return trial(number).orElseThrow();
    }

    /** RUNNING → COMPLETE with the results; one transaction. */
    @Override
    public synchronized TrialRecord markComplete(int number, double objective, List<Double> learningCurve,
                                                 Map<String, Double> metrics) {
        checkWritable();
        if (!Double.isFinite(objective)) {
            throw new IllegalArgumentException("a complete trial needs a finite objective, got " + objective);
        }
        String now = Instant.now().toString();
        transaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = 'COMPLETE', "
                    + "objective = ?, learning_curve = ?, metrics = ?, error = NULL, finished = ? "
                    + "WHERE number = ? AND state = 'RUNNING'")) {
                ps.setDouble(1, objective);
                ps.setString(2, StudyJson.compact(StudyJson.list(learningCurve)));
                ps.setString(3, StudyJson.compact(StudyJson.map(metrics)));
                ps.setString(4, now);
                ps.setInt(5, number);
                TrialRows.expectOne(ps.executeUpdate(), number, "RUNNING");
            }
            return null;
        });
        return trial(number).orElseThrow();
    }

    /** RUNNING → FAILED with the error text; one transaction. */
    @Override
    public synchronized TrialRecord markFailed(int number, String error) {
        checkWritable();
        String now = Instant.now().toString();
        transaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = 'FAILED', "
                    + "objective = NULL, error = ?, finished = ? WHERE number = ? AND state = 'RUNNING'")) {
                ps.setString(1, error == null ? "unknown error" : error);
                ps.setString(2, now);
                ps.setInt(3, number);
                TrialRows.expectOne(ps.executeUpdate(), number, "RUNNING");
            }
            return null;
        });
        return trial(number).orElseThrow();
    }

    /** Closes the connection and releases the lock; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        TrialRows.closeQuietly(connection);
        releaseQuietly(lock, lockChannel);
        if (!readOnly) {
            OPEN_IN_THIS_PROCESS.remove(path);
        }
    }

    // ---- internals ---------------------------------------------------------------------------

    private void updateConfig(StudyConfig newConfig) {
        String now = Instant.now().toString();
        transaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE study SET config = ?, updated = ? WHERE id = 1")) {
                ps.setString(1, StudyJson.compact(newConfig.toJson()));
                ps.setString(2, now);
                ps.executeUpdate();
            }
            return null;
        });
        config = newConfig;
    }

    private <T> T transaction(TrialRows.Work<T> work) {
        return TrialRows.transaction(connection, work,
                e -> new StudyException("study database " + path + ": " + e.getMessage(), e));
    }

    private List<TrialRecord> query(String sql, Integer number) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (number != null) {
                ps.setInt(1, number);
            }
            List<TrialRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(record(rs));
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit(); // ends the read transaction
            }
            return out;
        } catch (SQLException e) {
            throw new StudyException("study database " + path + ": " + e.getMessage(), e);
        }
    }

    private TrialRecord record(ResultSet rs) throws SQLException {
        return TrialRows.read(rs, (r, column) -> {
            String text = r.getString(column);
            return text == null ? null : Instant.parse(text);
        }, "study database " + path);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("study store " + path + " is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (readOnly) {
            throw new IllegalStateException("study store " + path + " is open read-only");
        }
    }

    static Path lockPath(Path db) {
        return db.resolveSibling(db.getFileName() + ".lock");
    }

    private static boolean hasJournal(Path db) {
        return Files.exists(db.resolveSibling(db.getFileName() + "-journal"))
                || Files.exists(db.resolveSibling(db.getFileName() + "-wal"));
    }

    /**
     * Reads the 100-byte SQLite header with plain file I/O and checks magic, application id and
     * schema version.
     */
    static void inspectHeader(Path file) {
        byte[] header = new byte[100];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (n < header.length) {
                int r = in.read(header, n, header.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (NoSuchFileException e) {
            throw new StudyException("no study database at " + file, e);
        } catch (IOException e) {
            throw new StudyException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (n == 0) {
            throw new StudyException(file + " is an empty file, not a densify study database (left untouched)");
        }
        boolean magic = n == header.length;
        for (int i = 0; magic && i < SQLITE_MAGIC.length; i++) {
            magic = header[i] == SQLITE_MAGIC[i];
        }
        if (!magic) {
            throw new StudyException(file + " is not an SQLite database (corrupt, or another kind of file); "
                    + "it is not a densify study database (left untouched)");
        }
        ByteBuffer b = ByteBuffer.wrap(header); // big-endian, as SQLite stores header integers
        int userVersion = b.getInt(60);
        int applicationId = b.getInt(68);
        if (applicationId != APPLICATION_ID) {
            throw new StudyException(file + " is an SQLite database of another application (application_id "
                    + String.format("0x%08x", applicationId) + ", densify studies have "
                    + String.format("0x%08x", APPLICATION_ID) + "); it is not a densify study database (left untouched)");
        }
        if (userVersion != SCHEMA_VERSION) {
            throw new StudyException(file + " is a densify study database of schema version " + userVersion
                    + ", this densify reads version " + SCHEMA_VERSION + " (left untouched)");
        }
    }

    private static Connection connect(Path file, boolean readOnly) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(readOnly);
        cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
        if (!readOnly) {
            cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        }
        Connection c = JDBC.createConnection(JDBC.PREFIX + file, cfg.toProperties());
        if (c == null) {
            throw new SQLException("the SQLite driver refused " + file);
        }
        return c;
    }

    /** Checks integrity, ids and tables; returns the stored configuration. */
    private static StudyConfig verify(Path file, Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                List<String> problems = new ArrayList<>();
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (!"ok".equalsIgnoreCase(line)) {
                        problems.add(line);
                    }
                }
                if (!problems.isEmpty()) {
                    throw new StudyException(file + " is a corrupt study database: "
                            + String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
                }
            }
            int app = intPragma(s, "application_id");
            int version = intPragma(s, "user_version");
            if (app != APPLICATION_ID || version != SCHEMA_VERSION) {
                throw new StudyException(file + " is not a densify study database of schema version "
                        + SCHEMA_VERSION + " (application_id " + String.format("0x%08x", app) + ", user_version "
                        + version + ")");
            }
            checkColumns(file, s, "study", STUDY_COLUMNS);
            checkColumns(file, s, "trials", TRIAL_COLUMNS);
            try (ResultSet rs = s.executeQuery("SELECT config FROM study WHERE id = 1")) {
                if (!rs.next()) {
                    throw new StudyException(file + " is an incomplete study database (no study row)");
                }
                try {
                    return StudyConfig.parse(rs.getString(1));
                } catch (IllegalArgumentException e) {
                    throw new StudyException(file + " holds an unreadable study configuration: " + e.getMessage(), e);
                }
            }
        }
    }

    private static int intPragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void checkColumns(Path file, Statement s, String table, Set<String> expected) throws SQLException {
        Set<String> found = new TreeSet<>();
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                found.add(rs.getString("name"));
            }
        }
        if (!found.containsAll(expected)) {
            TreeSet<String> missing = new TreeSet<>(expected);
            missing.removeAll(found);
            throw new StudyException(file + " is not a complete densify study database: table " + table
                    + (found.isEmpty() ? " is missing" : " lacks columns " + missing));
        }
    }

    /** Builds the database under a temporary name, then renames it into place. */
    private static void create(Path file, StudyConfig config) throws SQLException, IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".creating");
        Files.deleteIfExists(tmp);
        Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + "-journal"));
        String now = Instant.now().toString();
        try (Connection c = connect(tmp, false)) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("PRAGMA application_id = " + APPLICATION_ID);
                s.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE study (id INTEGER PRIMARY KEY CHECK (id = 1), "
                        + "schema_version INTEGER NOT NULL, config TEXT NOT NULL, created TEXT NOT NULL, "
                        + "updated TEXT NOT NULL)");
                s.executeUpdate("CREATE TABLE trials (number INTEGER PRIMARY KEY CHECK (number >= 0), "
                        + "state TEXT NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'COMPLETE', 'FAILED')), "
                        + "origin TEXT NOT NULL, parameters TEXT NOT NULL, seed INTEGER NOT NULL, objective REAL, "
                        + "learning_curve TEXT, metrics TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 0, "
                        + "created TEXT NOT NULL, started TEXT, finished TEXT)");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO study (id, schema_version, config, created, updated) VALUES (1, ?, ?, ?, ?)")) {
                ps.setInt(1, SCHEMA_VERSION);
                ps.setString(2, StudyJson.compact(config.toJson()));
                ps.setString(3, now);
                ps.setString(4, now);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
    }

    private static StudyException unreadable(Path file, SQLException e) {
        return new StudyException(file + " cannot be read as a densify study database (corrupt?): "
                + e.getMessage() + " (left untouched)", e);
    }

    private static void releaseQuietly(FileLock lock, FileChannel channel) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // released with the channel
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
