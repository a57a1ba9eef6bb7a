package dev.densify.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.engine.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * TorchScript reward models traced by Debian's python3-torch (which {@code ./densify test}
 * installs) from {@code torchscript_reward.py}: {@code reward.pt}, a non-causal attention model
 * over 64 positions with 2 logits, its PyTorch eager outputs on three rows
 * ({@code reference.json}), and {@code one_argument.pt}, a module of the wrong signature.
 */
public final class TorchScriptModels {

    public static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Positions of reward.pt: rows may be at most this long. */
    public static final int POSITIONS = 64;

    private TorchScriptModels() {
    }

    /** Traces the models into {@code dir} for ids in [0, vocab); returns reference.json. */
    public static JsonNode trace(Path dir, int vocab) throws IOException, InterruptedException {
        Path script = dir.resolve("torchscript_reward.py");
        try (InputStream in = TorchScriptModels.class.getResourceAsStream("torchscript_reward.py")) {
            Files.copy(in, script);
        }
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), dir.toString(), Integer.toString(vocab))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("tracing with " + PYTHON + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("tracing with " + PYTHON + " (needs python3-torch; ./densify test installs "
                    + "it) failed: " + output);
        }
        return Json.MAPPER.readTree(dir.resolve("reference.json").toFile());
    }
}
