package dev.densify.study;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageUrlTest {

    @Test
    void parsesPostgresqlUrls() {
        StorageUrl u = StorageUrl.parse("postgresql://alice:s%40cret@db.example.org:6432/studies?sslmode=require");
        assertTrue(u.shared());
        assertEquals("db.example.org", u.host());
        assertEquals(6432, u.port());
        assertEquals("studies", u.database());
        assertEquals("alice", u.user());
        assertEquals("s@cret", u.password());
        assertEquals(Map.of("sslmode", "require"), u.params());
        assertEquals("jdbc:postgresql://db.example.org:6432/studies", u.jdbcUrl());
        assertEquals("postgresql://alice:***@db.example.org:6432/studies", u.toString());
        StorageUrl d = StorageUrl.parse("postgres://bob@localhost/x");
        assertEquals(StorageUrl.DEFAULT_PORT, d.port());
        assertNull(d.password());
        assertEquals("postgresql://bob@localhost:5432/x", d.toString());
    }

    @Test
    void parsesSqlitePaths() {
        StorageUrl s = StorageUrl.parse("sqlite:runs/a/study.db");
        assertFalse(s.shared());
        assertEquals(Path.of("runs/a/study.db"), s.sqlite());
        assertEquals(Path.of("/abs/s.db"), StorageUrl.parse("sqlite:///abs/s.db").sqlite());
        assertEquals(Path.of("r").resolve(Study.DATABASE), StorageUrl.sqliteIn(Path.of("r")).sqlite());
    }

    @Test
    void malformedUrlsNameTheProblemAndHideThePassword() {
        String[][] cases = {
                {"", "empty"},
                {"sqlite:", "names no file"},
                {"mysql://u@h/db", "neither sqlite:PATH nor postgresql://"},
                {"postgresql://u@/db", "names no host"},
                {"postgresql://u@h:99999/db", "outside 1..65535"},
                {"postgresql://u@h:5432", "names no database"},
                {"postgresql://u@h:5432/a/b", "names no database"},
                {"postgresql://h:5432/db", "names no user"},
                {"postgresql://u:topsecret@h/db?sslmode=require&color=red", "unknown parameter 'color'"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StorageUrl.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
        }
    }
}
