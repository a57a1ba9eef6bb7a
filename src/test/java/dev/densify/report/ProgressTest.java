package dev.densify.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void logModePrintsAboutTenLinesWithCountRateEtaAndMetric() {
        Progress p = new Progress(out, "sft", 1000, "steps", false, now::get);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(10_000_000L); // 10 ms per step: 100 steps/s
            p.step("loss", 2.5);
        }
        p.finish();
        String[] lines = text().split("\n");
        assertEquals(10, lines.length, text()); // 9 tenths before the end, then the final line
        assertTrue(lines[0].startsWith("sft ") && lines[0].contains(" 100/1000") && lines[0].contains("100 steps/s")
                && lines[0].contains("ETA 0:09") && lines[0].contains("loss 2.500"), lines[0]);
        assertTrue(lines[9].contains("1000/1000") && lines[9].contains("done in 0:10"), lines[9]);
        assertFalse(text().contains("\r"));
    }

    @Test
    void terminalModeRedrawsOneLineAndThrottles() {
        Progress p = new Progress(out, "reward", 50, "steps", true, now::get);
        for (int i = 0; i < 50; i++) {
            now.addAndGet(1_000_000L); // 1 ms: most updates fall inside the redraw interval
            p.step();
        }
        p.status("reward loss 0.4");
        p.close();
        p.close(); // idempotent
        String t = text();
        assertTrue(t.startsWith("\r") && t.endsWith("\n"), t);
        assertEquals(1, t.chars().filter(c -> c == '\n').count());
        long redraws = t.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 2 && redraws <= 5, "redraws: " + redraws);
        assertTrue(t.contains("50/50") && t.contains("reward loss 0.4"), t);
    }

    @Test
    void silentOnNullStreamAndValidates() {
        Progress p = new Progress(null, "x", 3, "steps", false);
        p.advance(3);
        p.finish();
        assertEquals(3, p.done());
        assertThrows(IllegalArgumentException.class, () -> new Progress(out, "x", -1, "steps", false));
        assertThrows(IllegalArgumentException.class, () -> p.advance(-1));
    }

    @Test
    void durations() {
        assertEquals("0:05", Progress.duration(4.6));
        assertEquals("1:01:01", Progress.duration(3661));
        assertEquals("?", Progress.duration(Double.POSITIVE_INFINITY));
    }
}
