package io.simstream.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain HTTP to 127.0.0.1 and free ports there: the tests reach services only through the
 * loopback interface, never a name that could resolve somewhere else.
 */
public final class LocalHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalHttp() {
    }

    /** "status body", or "unreachable: ..." while nothing answers (so a poll can keep trying). */
    public static String get(int port, String path) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreachable: interrupted";
        }
    }

    /** A port nothing listens on at the moment. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The first of count consecutive free ports (for a port range a container engine hands out). */
    public static int freeRange(int count) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = freePort();
            if (first + count <= 65535 && allFree(first + 1, count - 1)) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free ports on 127.0.0.1");
    }

    private static boolean allFree(int from, int count) {
        for (int p = from; p < from + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 0, InetAddress.getLoopbackAddress())) {
                s.getLocalPort();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
