package io.simstream.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET of a service's /health, /ready or /metrics, in a form tests can poll without exceptions. */
public final class HttpGet {
    private HttpGet() {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** "STATUS body", or "unreachable: reason" while nothing answers (so a poll can keep trying). */
    public static String statusAndBody(String url) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreachable: interrupted";
        }
    }

    /** {@link #statusAndBody} of http://127.0.0.1:port/path (never a name that could resolve elsewhere). */
    public static String local(int port, String path) {
        return statusAndBody("http://127.0.0.1:" + port + path);
    }
}
