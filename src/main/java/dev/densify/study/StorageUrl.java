package dev.densify.study;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A study's {@code --storage}: {@code sqlite:PATH} (a file owned by one process) or
 * {@code postgresql://user[:password]@host[:port]/database[?param=value&…]} (shared by workers; the
 * password may also come from {@code PGPASSWORD}; {@code postgres://} is accepted too).
 *
 * @param sqlite   the SQLite file, or null
 * @param host     PostgreSQL host (null for SQLite)
 * @param port     PostgreSQL port (5432 by default)
 * @param database PostgreSQL database
 * @param user     PostgreSQL user
 * @param password the password from the URL (null: none; never printed)
 * @param params   further connection parameters (those in {@link #ALLOWED_PARAMETERS})
 */
public record StorageUrl(Path sqlite, String host, int port, String database, String user, String password,
                         Map<String, String> params) {

    /** PostgreSQL's default port. */
    public static final int DEFAULT_PORT = 5432;
    /** Connection parameters a URL may carry, handed to the JDBC driver. */
    static final Set<String> ALLOWED_PARAMETERS = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey",
            "connectTimeout", "socketTimeout", "options", "currentSchema");

    /** The default storage of a run directory: {@code sqlite:RUN/study.db}. */
    public static StorageUrl sqliteIn(Path runDirectory) {
        return new StorageUrl(runDirectory.resolve(Study.DATABASE), null, 0, null, null, null, Map.of());
    }

    /**
     * Parses a storage URL.
     *
     * @throws IllegalArgumentException the URL is malformed, naming what is wrong
     */
    public static StorageUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the storage URL is empty; use sqlite:PATH or postgresql://user@host:port/db");
        }
        String t = text.strip();
        if (t.startsWith("sqlite:")) {
            String path = t.substring("sqlite:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            if (path.isEmpty()) {
                throw new IllegalArgumentException("storage " + t + " names no file; use sqlite:PATH");
            }
            return new StorageUrl(Path.of(path), null, 0, null, null, null, Map.of());
        }
        if (!t.startsWith("postgresql://") && !t.startsWith("postgres://")) {
            throw new IllegalArgumentException("storage '" + redact(t) + "' is neither sqlite:PATH nor "
                    + "postgresql://user@host:port/database");
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("storage '" + redact(t) + "' is not a valid URL: " + e.getReason());
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("storage '" + redact(t) + "' names no host (postgresql://user@host:port/database)");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("storage '" + redact(t) + "': port " + port + " is outside 1..65535");
        }
        String path = uri.getPath();
        String database = path == null || path.length() <= 1 ? null : decode(path.substring(1));
        if (database == null || database.contains("/")) {
            throw new IllegalArgumentException("storage '" + redact(t) + "' names no database (postgresql://user@host:port/database)");
        }
        String info = uri.getRawUserInfo();
        String user = null;
        String password = null;
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("storage '" + redact(t) + "' names no user (postgresql://user@host:port/database)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (!ALLOWED_PARAMETERS.contains(key)) {
                    throw new IllegalArgumentException("storage '" + redact(t) + "': unknown parameter '" + key
                            + "' (known: " + String.join(", ", new java.util.TreeSet<>(ALLOWED_PARAMETERS)) + ")");
                }
                params.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return new StorageUrl(null, host, port, database, user, password, Map.copyOf(params));
    }

    /** Whether this is a PostgreSQL storage. */
    public boolean shared() {
        return sqlite == null;
    }

    /** The JDBC URL (without user and password). */
    String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    /** The URL for messages: the password never shows. */
    @Override
    public String toString() {
        if (sqlite != null) {
            return "sqlite:" + sqlite;
        }
        return "postgresql://" + user + (password != null ? ":***" : "") + "@" + host + ":" + port + "/" + database;
    }

    private static String redact(String url) {
        return url.replaceFirst("(://[^:@/]*):[^@/]*@", "$1:***@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
