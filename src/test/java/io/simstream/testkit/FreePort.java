package io.simstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * TCP ports that were free on 127.0.0.1 a moment ago, for servers a test is about to start: the
 * tests reach services only through the loopback interface.
 */
public final class FreePort {
    private FreePort() {
    }

    public static int onLoopback() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** The first of count consecutive free ports (for a port range a container engine hands out). */
    public static int range(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = onLoopback();
            if (first + count <= 65535 && allFree(first + 1, count - 1)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports on 127.0.0.1");
    }

    private static boolean allFree(int from, int count) {
        for (int p = from; p < from + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.getLocalPort();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
