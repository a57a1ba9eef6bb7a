package dev.densify.reward;

import java.util.Arrays;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.attribution.RewardFunction;
import dev.densify.engine.Json;
import dev.densify.text.Tokenizer;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A reward model behind an HTTP endpoint, in the format of OpenRLHF's remote reward model
 * ({@code --remote_rm_url}): each batch of sequences is decoded to text and posted as
 * {@code {"query": ["<text>", ...]}} (Content-Type {@code application/json}); the reply must be
 * a JSON object with {@code "rewards"}, one finite number per query, in order.
 *
 * <p>Decoding: the real (mask 1) tokens of a row, leaving out those equal to
 * {@code removedToken} (the token SHAP and LIME put where they remove one), so the server sees
 * the text with the removed tokens gone. Batches larger than {@link Options#maxBatch()} are sent
 * in several requests.
 *
 * <p>Failures: a connection that fails, a timeout, or a 5xx status is retried up to
 * {@link Options#attempts()} times in all, waiting {@link Options#backoff()} doubled after each
 * try; a 4xx status or a reply that is not the format above fails at once. The final failure is
 * a {@link RewardServerException} naming the URL, the attempts and the cause. No call waits
 * longer than attempts × (timeout + backoff × 2^attempts). Thread-safe.
 */
public final class HttpReward implements RewardFunction {

    /**
     * @param timeout  per request, connection and reply together
     * @param attempts tries per request, ≥ 1
     * @param backoff  wait after the first failed try, doubled after each
     * @param maxBatch texts per request, ≥ 1
     */
    public record Options(Duration timeout, int attempts, Duration backoff, int maxBatch) {

        public Options {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(backoff, "backoff");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
            }
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("backoff must be >= 0, got " + backoff);
            }
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException("attempts must be in [1, 100], got " + attempts);
            }
            if (maxBatch < 1) {
                throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
            }
        }

        /** 60 s a request, 3 tries, 0.5 s backoff, 64 texts a request. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(60), 3, Duration.ofMillis(500), 64);
        }
    }

    /** The server could not give scores. */
    public static final class RewardServerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RewardServerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final URI url;
    private final Tokenizer tokenizer;
    private final int removedToken;
    private final Options options;
    private final HttpClient client;

    /**
     * @param url          an http or https URL
     * @param removedToken the token id left out of the texts (-1: none)
     * @throws IllegalArgumentException for a URL that is not absolute http(s) with a host
     */
    public HttpReward(String url, Tokenizer tokenizer, int removedToken, Options options) {
        this.url = parse(url);
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.removedToken = removedToken;
        this.options = Objects.requireNonNull(options, "options");
        this.client = HttpClient.newBuilder().connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    static URI parse(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("reward URL '" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("reward URL '" + url + "' must start with http:// or https://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("reward URL '" + url + "' has no host");
        }
        return uri;
    }

    public URI url() {
        return url;
    }

    @Override
    public float[] score(int[][] ids, int[][] mask) {
        List<String> texts = new ArrayList<>(ids.length);
        for (int r = 0; r < ids.length; r++) {
            texts.add(text(ids[r], mask[r]));
        }
        float[] scores = new float[texts.size()];
        for (int from = 0; from < texts.size(); from += options.maxBatch()) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + options.maxBatch()));
            float[] got = post(part);
            System.arraycopy(got, 0, scores, from, got.length);
        }
        return scores;
    }

    /** The text the server sees for one row. */
    String text(int[] ids, int[] mask) {
        int n = 0;
        int[] kept = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
            if (mask[t] == 1 && ids[t] != removedToken) {
                kept[n++] = ids[t];
            }
        }
        return tokenizer.decode(Arrays.copyOf(kept, n));
    }

    private float[] post(List<String> texts) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode query = body.putArray("query");
        texts.forEach(query::add);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(options.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        Duration wait = options.backoff();
        String last = null;
        Exception cause = null;
        for (int attempt = 1; attempt <= options.attempts(); attempt++) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return rewards(response.body(), texts.size());
                }
                last = "HTTP " + status + snippet(response.body());
                if (status < 500) {
                    throw new RewardServerException("reward server " + url + " refused the request: " + last, null);
                }
            } catch (HttpTimeoutException e) {
                last = "no reply within " + options.timeout().toMillis() + " ms";
                cause = e;
            } catch (IOException e) {
                last = "cannot reach it (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RewardServerException("interrupted while waiting for reward server " + url, e);
            }
            if (attempt < options.attempts()) {
                sleep(wait);
                wait = wait.multipliedBy(2);
            }
        }
        throw new RewardServerException("reward server " + url + " failed " + options.attempts() + " time"
                + (options.attempts() == 1 ? "" : "s") + "; last: " + last, cause);
    }

    private float[] rewards(String reply, int expected) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(reply);
        } catch (JsonProcessingException e) {
            throw malformed("not JSON" + snippet(reply));
        }
        JsonNode rewards = node == null ? null : node.get("rewards");
        if (rewards == null || !rewards.isArray()) {
            throw malformed("no \"rewards\" list" + snippet(reply));
        }
        if (rewards.size() != expected) {
            throw malformed(rewards.size() + " rewards for " + expected + " queries");
        }
        float[] out = new float[expected];
        for (int i = 0; i < expected; i++) {
            JsonNode v = rewards.get(i);
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw malformed("reward " + i + " is not a finite number: " + v);
            }
            out[i] = (float) v.doubleValue();
        }
        return out;
    }

    private RewardServerException malformed(String what) {
        return new RewardServerException("reward server " + url + " sent a malformed reply: " + what
                + " (expected {\"rewards\": [one number per query]})", null);
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String s = body.strip().replaceAll("\\s+", " ");
        return ": " + (s.length() > 200 ? s.substring(0, 200) + "…" : s);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RewardServerException("interrupted while backing off", e);
        }
    }

    @Override
    public String toString() {
        return "HttpReward[" + url + "]";
    }
}
