package dev.densify.study;

import dev.densify.attribution.AttributionMethod;
import dev.densify.testing.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad configurations and bad database files: a clear error, and files left byte for byte. */
class StudyBadInputTest {

    @TempDir
    Path tmp;

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void badConfigurationsNameTheProblem() {
        assertTrue(message(() -> StudyConfig.defaults(0)).contains("trials must be >= 1, got 0"));
        assertTrue(message(() -> StudyConfig.defaults(-3)).contains("trials must be >= 1, got -3"));
        assertTrue(message(() -> StudyConfig.defaults(4).withParallel(0)).contains("parallel must be >= 1"));
        assertTrue(message(() -> StudyConfig.defaults(4).withParallel(5)).contains("must be <= trials"));
        assertTrue(message(() -> StudyConfig.defaults(4).withSeedsPerTrial(0)).contains("seeds per trial"));
        assertTrue(message(() -> StudyConfig.defaults(4).withInitialDesignSize(-1)).contains("initial design"));
        assertTrue(message(() -> StudyConfig.defaults(4).withComponents(List.of(AttributionMethod.SHAP)))
                .contains("at least 2"));
        assertTrue(message(() -> StudyConfig.defaults(4).withComponents(List.of(AttributionMethod.SHAP, AttributionMethod.SHAP)))
                .contains("'shap' is given twice"));
        String m = message(() -> StudyConfig.parseMethods("sparse,shapley"));
        assertTrue(m.contains("unknown method 'shapley'") && m.contains("attention"), m);
        m = message(() -> StudyConfig.parse("{\"trials\": 3, \"components\": [\"sparse\", \"gradcam\"]}"));
        assertTrue(m.contains("unknown method 'gradcam'"), m);
        m = message(() -> StudyConfig.parse("{\"trials\": 3, \"trails\": 4}"));
        assertTrue(m.contains("unknown field 'trails'"), m);
        m = message(() -> StudyConfig.parse("{\"components\": [\"sparse\", \"shap\"]}"));
        assertTrue(m.contains("needs 'trials'"), m);
        m = message(() -> StudyConfig.parse("{\"trials\": 0}"));
        assertTrue(m.contains("trials must be >= 1"), m);
        m = message(() -> StudyConfig.parse("{\"trials\": 3, \"objective\": \"best\"}"));
        assertTrue(m.contains("unknown objective 'best'"), m);
        m = message(() -> StudyConfig.parse("{\"trials\": 3, \"extras\": [{\"name\": \"temperature\", \"lower\": 1, "
                + "\"upper\": 2}]}"));
        assertTrue(m.contains("unknown extra dimension 'temperature'"), m);
        m = message(() -> StudyConfig.parse("{\"trials\": 3, \"extras\": [{\"name\": \"kl_coef\", \"lower\": 0, "
                + "\"upper\": 2}]}"));
        assertTrue(m.contains("lower > 0"), m);
        m = message(() -> StudyConfig.parse("[1, 2"));
        assertTrue(m.contains("not valid JSON"), m);
    }

    @Test
    void configurationJsonRoundTrips() {
        StudyConfig c = new StudyConfig(List.of(AttributionMethod.LIME, AttributionMethod.SPARSE),
                List.of(StudyConfig.ExtraDimension.log("kl_coef", 0.01, 0.5),
                        new StudyConfig.ExtraDimension("learning_rate", 1e-5, 1e-3, false)),
                ObjectiveKind.AREA_UNDER_CURVE, 12, 3, 2, 4, -7, java.util.Map.of("b", "2", "a", "x"), List.of(), 0.25);
        assertEquals(c, StudyConfig.parse(c.toJsonString()));
        StudyConfig fixed = StudyConfig.defaults(6).withObjective(ObjectiveKind.REWARD_MINUS_KL)
                .withFixedBlends(List.of(java.util.Map.of("sparse", 1.0), java.util.Map.of("shap", 0.5, "lime", 0.5)));
        assertEquals(fixed, StudyConfig.parse(fixed.toJsonString()));
        assertEquals(java.util.Map.of("sparse", 0.0, "shap", 0.5, "lime", 0.5, "attention", 0.0),
                fixed.fixedBlends().get(1));
        assertTrue(message(() -> StudyConfig.parse("{\"trials\": 4, \"fixed_blends\": [{\"sparse\": 0.5}]}"))
                .contains("sum to 0.5"));
        assertTrue(message(() -> StudyConfig.parse("{\"trials\": 4, \"components\": \"sparse,shap\", "
                + "\"fixed_blends\": [{\"lime\": 1}]}")).contains("not a component"));
        assertTrue(message(() -> StudyConfig.parse("{\"trials\": 1, \"fixed_blends\": [{\"lime\": 1}, "
                + "{\"shap\": 1}]}")).contains("do not fit a budget"));
        assertTrue(message(() -> StudyConfig.parse("{\"trials\": 4, \"kl_penalty\": -1}")).contains("kl_penalty"));
        assertTrue(message(() -> c.withFixedBlends(List.of(java.util.Map.of("lime", 1.0)))).contains("extra dimensions"));
        StudyConfig d = StudyConfig.parse("{\"trials\": 5, \"components\": \"shap,lime\"}");
        assertEquals(List.of(AttributionMethod.SHAP, AttributionMethod.LIME), d.components());
        assertEquals(ObjectiveKind.FINAL, d.objective());
        assertEquals(2 * 1 + 1, d.resolvedInitialDesignSize());
    }

    private void assertRefused(Path db, String expected) throws Exception {
        String before = Hashes.sha256(db);
        List<Path> siblings;
        try (var s = Files.list(db.getParent())) {
            siblings = s.sorted().toList();
        }
        StudyException e = assertThrows(StudyException.class,
                () -> Study.open(db.getParent(), StudyTest.three(3), null));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(db.toString()), e.getMessage());
        assertEquals(before, Hashes.sha256(db), "the file must be left untouched");
        try (var s = Files.list(db.getParent())) {
            assertEquals(siblings, s.sorted().toList(), "nothing may be created beside it");
        }
        e = assertThrows(StudyException.class, () -> StudyReport.write(db.getParent()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(before, Hashes.sha256(db));
        assertFalse(Files.exists(db.resolveSibling(StudyReport.FILE)));
    }

    @Test
    void aCorruptFileIsRefusedAndLeftUntouched() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("corrupt")).resolve(Study.DATABASE);
        byte[] junk = new byte[8192];
        new Random(1).nextBytes(junk);
        Files.write(db, junk);
        assertRefused(db, "not an SQLite database");
    }

    @Test
    void anEmptyFileIsRefused() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("empty")).resolve(Study.DATABASE);
        Files.write(db, new byte[0]);
        assertRefused(db, "empty file");
    }

    @Test
    void aForeignSqliteDatabaseIsRefusedAndLeftUntouched() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("foreign")).resolve(Study.DATABASE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE trials (id INTEGER PRIMARY KEY, name TEXT)");
            s.executeUpdate("INSERT INTO trials (name) VALUES ('someone else''s data')");
        }
        assertRefused(db, "another application");
    }

    @Test
    void ourIdWithAnUnknownSchemaIsRefusedAndLeftUntouched() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("future")).resolve(Study.DATABASE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("PRAGMA application_id = " + StudyStore.APPLICATION_ID);
            s.executeUpdate("PRAGMA user_version = 99");
            s.executeUpdate("CREATE TABLE studies (x TEXT)");
        }
        assertRefused(db, "schema version 99");
    }

    @Test
    void ourIdWithoutTablesIsRefusedAndLeftUntouched() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("hollow")).resolve(Study.DATABASE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("PRAGMA application_id = " + StudyStore.APPLICATION_ID);
            s.executeUpdate("PRAGMA user_version = " + StudyStore.SCHEMA_VERSION);
            s.executeUpdate("CREATE TABLE other (x TEXT)");
        }
        String before = Hashes.sha256(db);
        StudyException e = assertThrows(StudyException.class,
                () -> Study.open(db.getParent(), StudyTest.three(3), null));
        assertTrue(e.getMessage().contains("table study is missing"), e.getMessage());
        assertEquals(before, Hashes.sha256(db));
    }

    @Test
    void aDamagedStudyDatabaseIsRefusedAndLeftUntouched() throws Exception {
        Path run = tmp.resolve("damaged");
        try (Study study = Study.open(run, StudyTest.three(3), null)) {
            study.run(Synthetic.of(StudyTest.three(3), StudyTest.TARGET3));
        }
        Path db = run.resolve(Study.DATABASE);
        byte[] bytes = Files.readAllBytes(db);
        assertTrue(bytes.length >= 8192, "at least two pages");
        byte[] junk = new byte[bytes.length - 4096];
        new Random(2).nextBytes(junk);
        System.arraycopy(junk, 0, bytes, 4096, junk.length); // keep the header page, scramble the rest
        Files.write(db, bytes);
        String before = Hashes.sha256(db);
        StudyException e = assertThrows(StudyException.class, () -> Study.open(run, StudyTest.three(3), null));
        assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
        assertEquals(before, Hashes.sha256(db));
    }

    @Test
    void reportOfAMissingStudyIsAClearError() {
        StudyException e = assertThrows(StudyException.class, () -> StudyReport.write(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("no study database"), e.getMessage());
    }
}
