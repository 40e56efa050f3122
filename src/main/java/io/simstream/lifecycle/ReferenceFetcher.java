package io.simstream.lifecycle;

import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.model.StreamedArtifact;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the artifact a REFERENCE record points at: a file path (or file: URI) or an http(s) URL.
 * Every attempt is bounded (connect and read timeouts, a deadline for the whole body, at most the
 * record's totalBytes and never more than maxBytes). A transport error (connection refused or
 * reset, timeout, HTTP 5xx/408/429, a file that is not (yet) there) is an infrastructure fault: the
 * attempt is repeated with exponential backoff (0.5 s doubling to 10 s) until retryFor has passed
 * since the first one, and only then is the record rejected as REFERENCE_UNREADABLE. Anything
 * else (another HTTP status, an unknown scheme, bytes that are not the artifact) is the record's
 * own fault and rejects it at once; content is never retried.
 */
public final class ReferenceFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceFetcher.class);
    private static final long FIRST_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 10_000;

    /**
     * @param attemptTimeout bound on one attempt: connect, headers and the whole body
     * @param retryFor       how long transport errors are retried before the record is rejected
     * @param maxBytes       the largest artifact read, whatever the record says
     */
    public record Settings(Duration attemptTimeout, Duration retryFor, long maxBytes) {
        public static final Settings DEFAULT = new Settings(Duration.ofMinutes(2), Duration.ofMinutes(5), 4L << 30);
    }

    /** What is done with the bytes of one attempt (parse and verify); its IOExceptions count as transport errors. */
    @FunctionalInterface
    public interface Body<T> {
        T read(InputStream in) throws IOException, ModelRejectedException;
    }

    private final Settings settings;
    private final Consumer<String> retryListener;

    /** retryListener hears of each transport error that is retried (for a metric). */
    public ReferenceFetcher(Settings settings, Consumer<String> retryListener) {
        this.settings = settings;
        this.retryListener = retryListener;
    }

    public Settings settings() {
        return settings;
    }

    /** Reads uri (of expectedBytes) through body, retrying transport errors; see the class comment. */
    public <T> T fetch(String uri, long expectedBytes, Body<T> body) throws ModelRejectedException {
        if (expectedBytes > settings.maxBytes()) {
            throw new ModelRejectedException(Reason.BAD_RECORD, "reference " + uri + " is " + expectedBytes
                    + " bytes, more than model.reference.max.bytes=" + settings.maxBytes());
        }
        long start = System.nanoTime();
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = open(uri, expectedBytes)) {
                return body.read(new Deadline(in, System.nanoTime() + settings.attemptTimeout().toNanos()));
            } catch (NotRetried e) {
                throw new ModelRejectedException(e.reason, e.getMessage());
            } catch (ChunkStream.Problem e) {
                throw new ModelRejectedException(e.reason(), e.getMessage());
            } catch (IOException e) {
                long waited = System.nanoTime() - start;
                if (waited + backoff * 1_000_000 > settings.retryFor().toNanos()) {
                    throw new ModelRejectedException(Reason.REFERENCE_UNREADABLE, "could not read " + uri + " in "
                            + attempt + " attempts over " + Duration.ofNanos(waited).toSeconds()
                            + " s (model.reference.retry.ms=" + settings.retryFor().toMillis() + "): " + e);
                }
                LOG.warn("attempt {} to read model reference {} failed ({}); retrying in {} ms (until {} s have passed)",
                        attempt, uri, e.toString(), backoff, settings.retryFor().toSeconds());
                retryListener.accept(e.getClass().getSimpleName());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ModelRejectedException(Reason.REFERENCE_UNREADABLE, "interrupted while waiting to read "
                            + uri + " again");
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /**
     * Reads the artifact at uri once (as the scorers will) and describes it for a REFERENCE record:
     * its SHA-256, size, head, dimension and signers. A file path is made absolute, since the
     * scorers resolve it, not this process.
     */
    public ModelRecords.Reference inspect(String uri) throws ModelRejectedException {
        String lower = uri.toLowerCase(Locale.ROOT);
        String where = hasScheme(lower) ? uri : Path.of(uri).toAbsolutePath().normalize().toString();
        StreamedArtifact read = fetch(where, 0, in -> {
            try {
                return StreamedArtifact.read(in, settings.maxBytes());
            } catch (InvalidModelException e) {
                throw new ModelRejectedException(Reason.CORRUPT_ARTIFACT, where + ": " + e.getMessage());
            }
        });
        ModelArtifact a = read.artifact();
        return new ModelRecords.Reference(where, read.sha256(), read.size(), a.head().id(), a.inputDim(),
                a.signerKeyIds());
    }

    private InputStream open(String uri, long expectedBytes) throws IOException {
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return openHttp(uri, expectedBytes);
        }
        if (hasScheme(lower) && !lower.startsWith("file:")) {
            throw new NotRetried(Reason.BAD_RECORD, "reference '" + uri + "': only file paths and http(s) URLs are read");
        }
        Path path;
        try {
            path = lower.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new NotRetried(Reason.BAD_RECORD, "reference '" + uri + "' is neither an http(s) URL nor a file path: "
                    + e.getMessage());
        }
        if (Files.isDirectory(path)) {
            throw new NotRetried(Reason.REFERENCE_UNREADABLE, "reference " + uri + " is a directory");
        }
        return Files.newInputStream(path);
    }

    /** scheme: ... (two letters at least, so a Windows drive is a path). */
    private static boolean hasScheme(String lowerUri) {
        return lowerUri.matches("^[a-z][a-z0-9+.-]+:.*");
    }

    private InputStream openHttp(String uri, long expectedBytes) throws IOException {
        URLConnection c;
        try {
            c = URI.create(uri).toURL().openConnection();
        } catch (IllegalArgumentException e) {
            throw new NotRetried(Reason.BAD_RECORD, "reference '" + uri + "' is not a URL: " + e.getMessage());
        }
        HttpURLConnection http = (HttpURLConnection) c;
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.attemptTimeout().toMillis());
        http.setConnectTimeout(Math.min(timeout, 30_000));
        http.setReadTimeout(Math.min(timeout, 30_000));
        http.setInstanceFollowRedirects(true);
        int status = http.getResponseCode();
        if (status != 200) {
            http.disconnect();
            String what = "GET " + uri + " answered HTTP " + status;
            if (status >= 500 || status == 408 || status == 429) {
                throw new IOException(what);
            }
            throw new NotRetried(Reason.REFERENCE_UNREADABLE, what);
        }
        long length = http.getContentLengthLong();
        if (length >= 0 && expectedBytes > 0 && length != expectedBytes) {
            http.disconnect();
            throw new NotRetried(Reason.SHA_MISMATCH, "GET " + uri + " has " + length + " bytes, the record says "
                    + expectedBytes);
        }
        return http.getInputStream();
    }

    /** A record fault found while opening: rejected at once. */
    private static final class NotRetried extends IOException {
        private final Reason reason;

        NotRetried(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    /** Fails a read that would go past the attempt's deadline (a server that trickles bytes). */
    private static final class Deadline extends FilterInputStream {
        private final long deadlineNanos;

        Deadline(InputStream in, long deadlineNanos) {
            super(in);
            this.deadlineNanos = deadlineNanos;
        }

        private void check() throws SocketTimeoutException {
            if (System.nanoTime() > deadlineNanos) {
                throw new SocketTimeoutException("the attempt's time (model.reference.timeout.ms) ran out");
            }
        }

        @Override
        public int read() throws IOException {
            check();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            return super.read(b, off, len);
        }
    }
}
