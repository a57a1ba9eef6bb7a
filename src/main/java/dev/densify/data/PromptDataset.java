package dev.densify.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.engine.Json;
import dev.densify.text.Tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Prompts for rollouts, read from a file as OpenRLHF's {@code --prompt_data} and TRL's datasets
 * take them, tokenised and filtered by length.
 *
 * <p>Formats, by extension: {@code .jsonl} — one JSON object a line, the prompt under
 * {@code key} (a string), or, when the object has no such key, a chat under {@code messages}
 * (a list of {@code {"role", "content"}}) rendered by {@link #renderChat}; any other extension —
 * plain text, one prompt a line. Blank lines are skipped. A line that is not valid JSON, not an
 * object, lacks the key, or has a key that is not a string fails the read with its line number.
 * Prompts longer than {@code maxPromptTokens} tokens are dropped and counted.
 *
 * @param prompts  the kept prompts, in file order
 * @param texts    their texts
 * @param read     non-blank lines read
 * @param tooLong  prompts dropped for length
 */
public record PromptDataset(List<int[]> prompts, List<String> texts, int read, int tooLong) {

    public PromptDataset {
        prompts = List.copyOf(prompts);
        texts = List.copyOf(texts);
    }

    /**
     * @param key             the JSON key of the prompt text (OpenRLHF's {@code input_key}), e.g. "prompt"
     * @param maxPromptTokens longest prompt kept, in tokens (≥ 1)
     * @param prefix          ids put before every prompt (e.g. a bos token), may be empty
     * @throws IllegalArgumentException naming the file and line of the first bad line, or when no
     *                                  prompt is left
     */
    public static PromptDataset read(Path file, String key, Tokenizer tokenizer, int maxPromptTokens, int[] prefix) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(prefix, "prefix");
        if (maxPromptTokens < 1) {
            throw new IllegalArgumentException("maxPromptTokens must be >= 1, got " + maxPromptTokens);
        }
        if (key.isBlank()) {
            throw new IllegalArgumentException("the prompt key must not be blank");
        }
        boolean jsonl = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl");
        List<int[]> prompts = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        int read = 0;
        int tooLong = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                read++;
                String where = file + ":" + number;
                String text = jsonl ? promptOf(line, key, where) : line;
                int[] body;
                try {
                    body = tokenizer.encode(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
                if (body.length == 0) {
                    throw new IllegalArgumentException(where + ": the prompt has no tokens");
                }
                if (prefix.length + body.length > maxPromptTokens) {
                    tooLong++;
                    continue;
                }
                int[] ids = new int[prefix.length + body.length];
                System.arraycopy(prefix, 0, ids, 0, prefix.length);
                System.arraycopy(body, 0, ids, prefix.length, body.length);
                prompts.add(ids);
                texts.add(text);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("prompt file not found: " + file, e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt file " + file + ": " + e.getMessage(), e);
        }
        if (read == 0) {
            throw new IllegalArgumentException("prompt file " + file + " has no prompts");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("every one of the " + read + " prompts of " + file + " is longer than "
                    + maxPromptTokens + " tokens");
        }
        return new PromptDataset(prompts, texts, read, tooLong);
    }

    private static String promptOf(String line, String key, String where) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": not a JSON object");
        }
        JsonNode value = node.get(key);
        if (value == null && node.has("messages")) {
            return renderChat(node.get("messages"), where);
        }
        if (value == null) {
            throw new IllegalArgumentException(where + ": no key '" + key + "' (nor 'messages')");
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(where + ": '" + key + "' is not a string");
        }
        return value.textValue();
    }

    /**
     * A chat as one prompt: each message as {@code "<Role>: <content>\n"} (role capitalised:
     * System, User, Assistant), then {@code "Assistant:"} for the response to continue. The
     * template of base models without a chat template; a model trained on another template
     * should get prompts already rendered, under {@code key}.
     */
    public static String renderChat(JsonNode messages, String where) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'messages' must be a non-empty list");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw new IllegalArgumentException(where + ": message " + i + " needs a string 'role' and 'content'");
            }
            String r = role.textValue().strip();
            if (r.isEmpty()) {
                throw new IllegalArgumentException(where + ": message " + i + " has an empty role");
            }
            sb.append(Character.toUpperCase(r.charAt(0))).append(r.substring(1)).append(": ")
                    .append(content.textValue()).append('\n');
        }
        return sb.append("Assistant:").toString();
    }
}
