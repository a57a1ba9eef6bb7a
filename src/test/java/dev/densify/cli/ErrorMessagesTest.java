package dev.densify.cli;

import dev.densify.model.ModelConfig;
import dev.densify.model.RewardModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad files get one clear line: a duplicate or malformed key in a configuration, a missing one, a
 * binary safetensors header, a config.json that contradicts the weights' own configuration.
 */
class ErrorMessagesTest {

    @TempDir
    Path tmp;

    private Path rewardModel() throws Exception {
        Path file = tmp.resolve("reward.safetensors");
        try (RewardModel m = RewardModel.create(new ModelConfig(30, 16, 16, 1, 2), "cpu", 4)) {
            m.save(file);
        }
        return file;
    }

    @Test
    void configurationFiles() throws Exception {
        Path model = rewardModel();
        Path dup = tmp.resolve("dup.json");
        Files.writeString(dup, "{\"steps\": 3, \"steps\": 4}");
        CliRun r = CliRun.of("train", "--task-dir", tmp.toString(), "--out", tmp.resolve("r").toString(), "--config",
                dup.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Duplicate field 'steps'"), r.err());
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"steps\": 3,\n \"seed\": }");
        r = CliRun.of("train", "--task-dir", tmp.toString(), "--out", tmp.resolve("r").toString(), "--config",
                broken.toString());
        assertTrue(r.err().contains("not valid JSON (line 2") && !r.err().contains("[Source"), r.err());
        r = CliRun.of("train", "--task-dir", tmp.toString(), "--out", tmp.resolve("r").toString(), "--config",
                tmp.resolve("missing.json").toString());
        assertTrue(r.err().contains("missing.json: no such file"), r.err());
        assertTrue(model.toFile().exists());
    }

    @Test
    void aBinaryHeaderIsNotQuoted() throws Exception {
        Path bad = tmp.resolve("bad.safetensors");
        byte[] header = new byte[900];
        for (int i = 0; i < header.length; i++) {
            header[i] = (byte) ('a' + i % 7 == 'b' ? 0 : 'x');
        }
        header[0] = 'x';
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Files.write(bad, b.array());
        CliRun r = CliRun.of("score", "--reward-model", bad.toString(), "--ids", "1,2");
        assertEquals(1, r.code());
        String line = r.err().strip();
        assertTrue(line.contains("not valid JSON") && line.length() < 400, line.length() + ": " + line);
        assertFalse(line.chars().anyMatch(c -> c < 0x20), "control characters in " + line);
    }

    @Test
    void aConfigJsonThatContradictsTheWeightsIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("hf"));
        Files.move(rewardModel(), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), new ModelConfig(30, 16, 16, 1, 2).toJson());
        assertEquals(0, CliRun.of("score", "--reward-model", dir.toString(), "--ids", "1,2").code());
        Files.writeString(dir.resolve("config.json"), new ModelConfig(30, 32, 16, 1, 2).toJson());
        CliRun r = CliRun.of("score", "--reward-model", dir.toString(), "--ids", "1,2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("config.json") && r.err().contains("remove or correct one of them"), r.err());
    }
}
