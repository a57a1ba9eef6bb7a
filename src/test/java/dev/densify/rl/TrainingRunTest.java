package dev.densify.rl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run's tables: a fixed CSV header, rows checked against it, truncation on resume. */
class TrainingRunTest {

    @TempDir
    Path tmp;

    private static ObjectNode validation(long step, double reward) {
        return Json.MAPPER.createObjectNode().put("step", step).put("reward", reward).put("kl", 0.5)
                .put("response_length", 7.25);
    }

    @Test
    void csvHasTheTablesFixedHeaderAndOneLinePerRow() throws IOException {
        TrainingRun run = new TrainingRun(tmp);
        run.append(TrainingRun.Table.VALIDATION, validation(0, -0.125));
        run.append(TrainingRun.Table.VALIDATION, validation(5, 1.5));
        assertEquals(List.of("step,reward,kl,response_length", "0,-0.125,0.5,7.25", "5,1.5,0.5,7.25"),
                Files.readAllLines(tmp.resolve("validation.csv")));
        assertEquals(2, run.rows(TrainingRun.Table.VALIDATION).size());

        run.truncate(TrainingRun.Table.VALIDATION, 4);
        assertEquals(List.of("step,reward,kl,response_length", "0,-0.125,0.5,7.25"),
                Files.readAllLines(tmp.resolve("validation.csv")));
        assertEquals(1, Files.readAllLines(tmp.resolve("validation.jsonl")).size());
    }

    @Test
    void aRowWithOtherColumnsIsRefusedAndNothingIsWritten() {
        TrainingRun run = new TrainingRun(tmp);
        ObjectNode extra = validation(0, 1).put("surprise", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run.append(TrainingRun.Table.VALIDATION, extra));
        assertTrue(e.getMessage().contains("surprise") && e.getMessage().contains("expected"), e.getMessage());
        ObjectNode reordered = Json.MAPPER.createObjectNode().put("reward", 1.0).put("step", 0).put("kl", 0.5)
                .put("response_length", 7.25);
        assertThrows(IllegalStateException.class, () -> run.append(TrainingRun.Table.VALIDATION, reordered));
        assertFalse(Files.exists(tmp.resolve("validation.csv")));
        assertFalse(Files.exists(tmp.resolve("validation.jsonl")));
    }
}
