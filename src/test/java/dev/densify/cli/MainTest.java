package dev.densify.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command-line behaviour that needs no native library: usage errors and input validation. */
class MainTest {

    @TempDir
    Path tmp;

    private static CliRun run(Map<String, String> env, String... args) {
        return CliRun.of(env, args);
    }

    private static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void helpSucceeds() {
        CliRun r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("init-model") && r.out().contains("generate") && r.out().contains("score"), r.out());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        CliRun r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing subcommand"), r.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = run("info", "--frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--frobnicate"), r.err());
    }

    @Test
    void badTokenIdIsAUsageErrorNamingTheValue() {
        CliRun r = run("generate", "--policy", "p", "--prompt-ids", "1,2,x", "--max-new-tokens", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'x'") && r.err().contains("--prompt-ids"), r.err());
    }

    @Test
    void emptyTokenIdsAreRejected() {
        for (String ids : new String[]{"1,,2", "", "1,", ",1", " 1", "-1", "1.5", "99999999999"}) {
            CliRun r = run("score", "--reward-model", "r", "--ids", ids);
            assertEquals(2, r.code(), "'" + ids + "' accepted: " + r.err());
            assertTrue(r.err().contains("--ids"), r.err());
        }
    }

    @Test
    void requiredOptionsAreEnforced() {
        CliRun r = run("generate", "--policy", "p", "--max-new-tokens", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--prompt-ids"), r.err());
    }

    @Test
    void invalidGenerationOptionIsAUsageErrorNamingIt() {
        CliRun r = run("generate", "--policy", "p", "--prompt-ids", "1", "--max-new-tokens", "2", "--top-p", "1.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("topP"), r.err());
    }

    @Test
    void badGlobalOptionsAreUsageErrors() {
        assertEquals(2, run("--threads", "0", "info").code());
        assertEquals(2, run("info", "--threads", "-3").code());
        CliRun r = run("--device", "gpu", "info");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("invalid device 'gpu'"), r.err());
        assertEquals(2, run("info", "--device", "cuda:x").code());
        CliRun dtype = run("--dtype", "float64", "info");
        assertEquals(2, dtype.code());
        assertTrue(dtype.err().contains("--dtype: dtype 'float64' is not one of float32, bfloat16, float16"), dtype.err());
        CliRun half = run("info", "--dtype", "float16");
        assertEquals(2, half.code());
        assertTrue(half.err().contains("--dtype float16 needs --device cuda"), half.err());
    }

    @Test
    void unknownKindIsAUsageError() {
        CliRun r = run("init-model", "--kind", "critic", "--config", "c.json", "--out", "o.safetensors");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("critic"), r.err());
    }

    @Test
    void missingConfigFileIsARuntimeErrorNamingThePath() {
        Path config = tmp.resolve("missing.json");
        Path out = tmp.resolve("model.safetensors");
        CliRun r = run("init-model", "--kind", "policy", "--config", config.toString(), "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("densify: error: ") && r.err().contains(config.toString()), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void debugPrintsTheStackTrace() {
        String config = tmp.resolve("missing.json").toString();
        String[] args = {"init-model", "--kind", "reward", "--config", config, "--out", tmp.resolve("o").toString()};
        assertTrue(run(Map.of("DENSIFY_DEBUG", "1"), args).err().contains("\tat "));
        String[] withFlag = new String[args.length + 1];
        withFlag[0] = "--debug";
        System.arraycopy(args, 0, withFlag, 1, args.length);
        CliRun r = run(withFlag);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void configWithAMissingKeyIsARuntimeErrorNamingKeyAndFile() throws Exception {
        Path config = tmp.resolve("config.json");
        Files.writeString(config, "{\"vocab_size\": 50, \"n_positions\": 16, \"n_embd\": 8, \"n_layer\": 1}");
        CliRun r = run("init-model", "--kind", "policy", "--config", config.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("n_head") && r.err().contains(config.toString()), r.err());
    }

    @Test
    void illTypedConfigKeyIsNamed() throws Exception {
        Path config = tmp.resolve("config.json");
        Files.writeString(config, "{\"vocab_size\": \"50\", \"n_positions\": 16, \"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2}");
        CliRun r = run("init-model", "--kind", "policy", "--config", config.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("'vocab_size' must be an integer"), r.err());
    }

    @Test
    void missingCheckpointIsARuntimeErrorNamingThePath() {
        Path missing = tmp.resolve("nope.safetensors");
        CliRun r = run("score", "--reward-model", missing.toString(), "--ids", "1,2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("checkpoint not found: " + missing), r.err());
    }

    @Test
    void corruptCheckpointIsARuntimeErrorNamingThePath() throws Exception {
        Path file = tmp.resolve("bad.safetensors");
        Files.write(file, new byte[]{(byte) 0xff, 0x7f, 0, 0, 0, 0, 0, 0, '{', '}'});
        CliRun r = run("generate", "--policy", file.toString(), "--prompt-ids", "1", "--max-new-tokens", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(file.toString()) && r.err().contains("header length"), r.err());
    }

    @Test
    void checkpointWithoutConfigIsARuntimeError() throws Exception {
        Path file = tmp.resolve("plain.safetensors");
        byte[] header = "{\"__metadata__\":{\"format\":\"pt\"}}".getBytes(StandardCharsets.UTF_8);
        var bytes = java.nio.ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(header.length).put(header);
        Files.write(file, bytes.array());
        CliRun r = run("score", "--reward-model", file.toString(), "--ids", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no model configuration"), r.err());
    }

    @Test
    void checkpointOfTheWrongKindIsARuntimeError() throws Exception {
        Path file = tmp.resolve("reward.safetensors");
        byte[] header = ("{\"__metadata__\":{\"format\":\"pt\",\"densify.kind\":\"reward\"}}").getBytes(StandardCharsets.UTF_8);
        var bytes = java.nio.ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(header.length).put(header);
        Files.write(file, bytes.array());
        CliRun r = run("generate", "--policy", file.toString(), "--prompt-ids", "1", "--max-new-tokens", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("holds a reward model, not a policy model"), r.err());
    }
}
