package dev.densify.study;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} in a temporary directory, {@code pg_ctl}
 * on 127.0.0.1 and a free port, trust authentication for user {@value #USER}. PostgreSQL refuses to
 * run as root, so under root the server runs as {@code nobody} (through {@code setpriv}). Debian's
 * {@code postgresql} package provides the binaries ({@code ./densify test} installs it).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "densify";

    private final Path directory;
    private final Path bin;
    private final int port;
    private final boolean asNobody;

    private PostgresServer(Path directory, Path bin, int port, boolean asNobody) {
        this.directory = directory;
        this.bin = bin;
        this.port = port;
        this.asNobody = asNobody;
    }

    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        // under root the server runs as nobody, who must reach its directory: /tmp, not a checkout under /root
        Path dir = root ? Files.createTempDirectory(Path.of("/tmp"), "densify-pg-") : Files.createTempDirectory("densify-pg-");
        Path data = dir.resolve("data");
        if (root) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName("nobody"));
        }
        PostgresServer server = new PostgresServer(dir, bin, freePort(), root);
        try {
            server.exec(60, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust",
                    "--encoding=UTF8", "--locale=C", "--no-sync");
            server.exec(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                    dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                    "-p " + server.port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off "
                            + "-c synchronous_commit=off -c full_page_writes=off", "start");
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    /** Creates an empty database and returns its storage URL. */
    public StorageUrl createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres");
             Statement s = c.createStatement()) {
            s.executeUpdate("CREATE DATABASE " + name);
        }
        return StorageUrl.parse(url(name));
    }

    public String url(String database) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
    }

    /** Runs SQL in a database (for tests that tamper with it). */
    public void execute(String database, String sql) throws SQLException {
        try (Connection c = connect(database);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private Connection connect(String database) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", USER);
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    @Override
    public void close() {
        try {
            if (Files.exists(directory.resolve("data/postmaster.pid"))) {
                exec(60, bin.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-m",
                        "immediate", "-w", "stop");
            }
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // the directory goes anyway
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    private void exec(int timeoutSeconds, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (asNobody) {
            argv.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        argv.addAll(List.of(command));
        Path log = directory.resolve("command.log");
        Process p = new ProcessBuilder(argv).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " took more than " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " exited with " + p.exitValue() + ":\n" + Files.readString(log)
                    + (Files.exists(directory.resolve("server.log")) ? Files.readString(directory.resolve("server.log")) : ""));
        }
    }

    private static Path binaries() {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                var found = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException ignored) {
                // fall through to the error
            }
        }
        throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install "
                + "Debian's postgresql package (./densify test does)");
    }

    private static int version(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
