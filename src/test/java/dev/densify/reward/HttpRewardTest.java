package dev.densify.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.densify.engine.Json;
import dev.densify.text.WordTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reward server on 127.0.0.1 (the JDK's HttpServer): batching, errors, timeouts, a dead port. */
@Timeout(60)
class HttpRewardTest {

    private static final WordTokenizer WORDS = WordTokenizer.of(List.of("good", "bad", "movie", "very"), 32);
    private static final Duration SHORT = Duration.ofMillis(300);

    private HttpServer server;
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Score = number of "good" minus number of "bad" in the text.
        server.createContext("/score", ex -> {
            List<String> texts = queries(ex);
            requests.add(texts);
            StringBuilder sb = new StringBuilder("{\"rewards\": [");
            for (int i = 0; i < texts.size(); i++) {
                int s = 0;
                for (String w : texts.get(i).split(" ")) {
                    s += w.equals("good") ? 1 : w.equals("bad") ? -1 : 0;
                }
                sb.append(i == 0 ? "" : ", ").append(s);
            }
            reply(ex, 200, sb.append("]}").toString());
        });
        server.createContext("/down", ex -> {
            calls.incrementAndGet();
            reply(ex, 503, "overloaded");
        });
        server.createContext("/flaky", ex -> {
            int n = calls.incrementAndGet();
            List<String> texts = queries(ex);
            String rewards = "{\"rewards\": [" + String.join(", ", java.util.Collections.nCopies(texts.size(), "1.5")) + "]}";
            reply(ex, n == 1 ? 500 : 200, n == 1 ? "oops" : rewards);
        });
        server.createContext("/slow", ex -> {
            calls.incrementAndGet();
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "{\"rewards\": [0]}");
        });
        server.createContext("/malformed", ex -> {
            calls.incrementAndGet();
            reply(ex, 200, "{\"scores\": [1]}");
        });
        server.createContext("/short", ex -> reply(ex, 200, "{\"rewards\": [1]}"));
        server.createContext("/nan", ex -> reply(ex, 200, "{\"rewards\": [\"x\", 2]}"));
        server.createContext("/forbidden", ex -> {
            calls.incrementAndGet();
            reply(ex, 403, "no");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static List<String> queries(HttpExchange ex) throws IOException {
        JsonNode body = Json.MAPPER.readTree(ex.getRequestBody().readAllBytes());
        List<String> out = new java.util.ArrayList<>();
        body.get("query").forEach(n -> out.add(n.textValue()));
        return out;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static int[][] rows(String... texts) {
        int[][] ids = new int[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            ids[i] = WORDS.encode(texts[i]);
        }
        return ids;
    }

    private static int[][] ones(int[][] ids) {
        int[][] mask = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = new int[ids[i].length];
            java.util.Arrays.fill(mask[i], 1);
        }
        return mask;
    }

    @Test
    void scoresBatchesInRequestsOfMaxBatchAndLeavesOutRemovedTokens() {
        HttpReward reward = new HttpReward(url("/score"), WORDS, WordTokenizer.MASK,
                new HttpReward.Options(Duration.ofSeconds(10), 1, Duration.ZERO, 2));
        int[][] ids = rows("good movie", "bad bad movie", "very good good", "movie", "bad");
        int[][] mask = ones(ids);
        ids[2][1] = WordTokenizer.MASK; // a removed token: the server sees "very good"
        mask[3] = new int[]{1};
        float[] scores = reward.score(ids, mask);
        assertArrayEquals(new float[]{1, -2, 1, 0, -1}, scores);
        assertEquals(List.of(List.of("good movie", "bad bad movie"), List.of("very good", "movie"), List.of("bad")), requests);
    }

    @Test
    void retriesServerErrorsWithBackoffThenFailsNamingTheCause() {
        HttpReward down = new HttpReward(url("/down"), WORDS, -1, new HttpReward.Options(SHORT, 3, Duration.ofMillis(10), 8));
        var e = assertThrows(HttpReward.RewardServerException.class, () -> down.score(rows("good"), ones(rows("good"))));
        assertEquals(3, calls.get());
        assertTrue(e.getMessage().contains("failed 3 times") && e.getMessage().contains("HTTP 503: overloaded"), e.getMessage());

        calls.set(0);
        HttpReward flaky = new HttpReward(url("/flaky"), WORDS, -1, new HttpReward.Options(SHORT, 3, Duration.ofMillis(10), 8));
        assertArrayEquals(new float[]{1.5f, 1.5f}, flaky.score(rows("good", "bad"), ones(rows("good", "bad"))));
        assertEquals(2, calls.get());
    }

    @Test
    void aTimeoutIsRetriedAndEndsTheCall() {
        HttpReward slow = new HttpReward(url("/slow"), WORDS, -1, new HttpReward.Options(SHORT, 2, Duration.ofMillis(10), 8));
        long start = System.nanoTime();
        var e = assertThrows(HttpReward.RewardServerException.class, () -> slow.score(rows("good"), ones(rows("good"))));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("no reply within 300 ms"), e.getMessage());
        assertEquals(2, calls.get());
        assertTrue(ms < 1_900, "took " + ms + " ms");
    }

    @Test
    void malformedRepliesAndClientErrorsFailAtOnce() {
        HttpReward.Options three = new HttpReward.Options(SHORT, 3, Duration.ofMillis(10), 8);
        var noKey = assertThrows(HttpReward.RewardServerException.class,
                () -> new HttpReward(url("/malformed"), WORDS, -1, three).score(rows("good"), ones(rows("good"))));
        assertTrue(noKey.getMessage().contains("no \"rewards\" list"), noKey.getMessage());
        assertEquals(1, calls.get());
        var count = assertThrows(HttpReward.RewardServerException.class,
                () -> new HttpReward(url("/short"), WORDS, -1, three).score(rows("good", "bad"), ones(rows("good", "bad"))));
        assertTrue(count.getMessage().contains("1 rewards for 2 queries"), count.getMessage());
        var nan = assertThrows(HttpReward.RewardServerException.class,
                () -> new HttpReward(url("/nan"), WORDS, -1, three).score(rows("good", "bad"), ones(rows("good", "bad"))));
        assertTrue(nan.getMessage().contains("reward 0 is not a finite number"), nan.getMessage());
        calls.set(0);
        var forbidden = assertThrows(HttpReward.RewardServerException.class,
                () -> new HttpReward(url("/forbidden"), WORDS, -1, three).score(rows("good"), ones(rows("good"))));
        assertTrue(forbidden.getMessage().contains("refused the request: HTTP 403"), forbidden.getMessage());
        assertEquals(1, calls.get());
    }

    @Test
    void aDeadPortFailsAfterItsAttempts() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HttpReward dead = new HttpReward("http://127.0.0.1:" + port + "/score", WORDS, -1,
                new HttpReward.Options(SHORT, 2, Duration.ofMillis(10), 8));
        var e = assertThrows(HttpReward.RewardServerException.class, () -> dead.score(rows("good"), ones(rows("good"))));
        assertTrue(e.getMessage().contains("failed 2 times") && e.getMessage().contains("cannot reach it"), e.getMessage());
    }

    @Test
    void onlyHttpUrlsAreAccepted() {
        for (String bad : new String[]{"ftp://host/score", "localhost:8000/score", "file:///tmp/x", "http:///nohost", "http://a b"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new HttpReward(bad, WORDS, -1, HttpReward.Options.defaults()));
            assertTrue(e.getMessage().contains("reward URL"), bad + " -> " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new HttpReward.Options(Duration.ZERO, 1, Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new HttpReward.Options(SHORT, 0, Duration.ZERO, 1));
    }
}
