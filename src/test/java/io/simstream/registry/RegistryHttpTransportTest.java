package io.simstream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP behaviour a real registry cannot be made to show on demand: 5xx and retries, slow
 * answers, credentials, TLS, fail-over. A scripted HTTP server on loopback plays the registry's
 * side of the protocol; the registry's real answers are covered by ConfluentRegistryClientIntegrationTest.
 */
class RegistryHttpTransportTest {
    private static final String SCHEMA_JSON = "{\"schema\":\"\\\"string\\\"\"}";
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    private String serve(HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", recordingAuth(handler));
        server.start();
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private HttpHandler recordingAuth(HttpHandler handler) {
        return exchange -> {
            authHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            handler.handle(exchange);
        };
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static RegistryClientConfig fast(String url) {
        return RegistryClientConfig.of(url).withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20));
    }

    @Test
    void retries5xxThenSucceeds() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        String url = serve(ex -> {
            if (calls.incrementAndGet() < 3) {
                answer(ex, 500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
            } else {
                answer(ex, 200, SCHEMA_JSON);
            }
        });
        Schema s = new ConfluentRegistryClient(fast(url)).schemaById(5);
        assertEquals(Schema.Type.STRING, s.getType());
        assertEquals(3, calls.get());
    }

    @Test
    void persistent5xxGivesUpAfterTheConfiguredRetriesWithTheCode() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        String url = serve(ex -> {
            calls.incrementAndGet();
            answer(ex, 500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
        });
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> new ConfluentRegistryClient(fast(url)).schemaById(5));
        assertEquals(4, calls.get(), "1 attempt + 3 retries");
        assertEquals(50001, e.errorCode());
        assertTrue(e.getMessage().contains("50001") && e.getMessage().contains("schema with id 5") && e.getMessage().contains("4 attempts"), e.getMessage());
    }

    @Test
    void clientErrorsAreNotRetriedAndAreTyped() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        Map<String, String[]> byPath = Map.of(
                "/schemas/ids/1", new String[] {"404", "{\"error_code\":40403,\"message\":\"Schema not found\"}"},
                "/subjects/a/versions", new String[] {"409", "{\"error_code\":409,\"message\":\"incompatible\"}"},
                "/subjects/b/versions", new String[] {"422", "{\"error_code\":42201,\"message\":\"Invalid schema\"}"},
                "/config/c", new String[] {"422", "{\"error_code\":42203,\"message\":\"Invalid compatibility level\"}"},
                "/subjects/d/versions", new String[] {"401", "{\"error_code\":401,\"message\":\"Unauthorized\"}"});
        String url = serve(ex -> {
            calls.incrementAndGet();
            String[] a = byPath.get(ex.getRequestURI().getPath());
            answer(ex, Integer.parseInt(a[0]), a[1]);
        });
        ConfluentRegistryClient client = new ConfluentRegistryClient(fast(url));
        Schema str = Schema.create(Schema.Type.STRING);
        assertEquals(40403, assertThrows(SchemaNotFoundException.class, () -> client.schemaById(1)).errorCode());
        assertInstanceOf(IncompatibleSchemaException.class, assertThrows(RegistryException.class, () -> client.register("a", str)));
        assertEquals(42201, assertThrows(InvalidSchemaException.class, () -> client.register("b", str)).errorCode());
        assertEquals(42203, assertThrows(InvalidRequestException.class,
                () -> client.setSubjectCompatibility("c", CompatibilityLevel.FULL)).errorCode());
        assertEquals(401, assertThrows(RegistryAuthException.class, () -> client.register("d", str)).httpStatus());
        assertEquals(5, calls.get(), "no retries for 4xx");
    }

    @Test
    void a404WithoutARegistryBodyPointsAtTheUrl() throws IOException {
        String url = serve(ex -> answer(ex, 404, "<html>Not Found</html>"));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> new ConfluentRegistryClient(fast(url)).schemaById(1));
        assertTrue(e.getMessage().contains("base URL"), e.getMessage());
    }

    @Test
    void aSlowRegistryTimesOutWithinTheRequestTimeout() throws IOException {
        String url = serve(ex -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, SCHEMA_JSON);
        });
        RegistryClientConfig cfg = RegistryClientConfig.of(url).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300))
                .withRetries(1, Duration.ofMillis(5), Duration.ofMillis(5));
        long t0 = System.nanoTime();
        RegistryUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(RegistryUnavailableException.class, () -> new ConfluentRegistryClient(cfg).schemaById(9)));
        assertTrue(e.getMessage().contains("2 attempts"), e.getMessage());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2_500, "gave up before the slow answer came");
    }

    @Test
    void basicAuthFromUserInfoOrFromTheUrl() throws IOException {
        String url = serve(ex -> answer(ex, 200, SCHEMA_JSON));
        Map<String, Object> userInfo = new HashMap<>();
        userInfo.put(RegistryClientConfig.URL, url);
        userInfo.put(RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        userInfo.put(RegistryClientConfig.BASIC_AUTH_USER_INFO, "svc:p@ss:word");
        ConfluentRegistryClient.fromConfig(userInfo).schemaById(1);

        Map<String, Object> fromUrl = Map.of(RegistryClientConfig.URL, url.replace("http://", "http://alice:s3cret@"),
                RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL");
        ConfluentRegistryClient.fromConfig(fromUrl).schemaById(1);

        ConfluentRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, url)).schemaById(1);
        assertEquals(List.of(basic("svc:p@ss:word"), basic("alice:s3cret"), "null"), authHeaders);
    }

    private static String basic(String userInfo) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void failsOverToTheNextUrlWhenOneIsDown() throws IOException {
        String up = serve(ex -> answer(ex, 200, SCHEMA_JSON));
        RegistryClientConfig cfg = RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "http://127.0.0.1:1," + up))
                .withRetries(1, Duration.ofMillis(5), Duration.ofMillis(5));
        assertEquals(Schema.Type.STRING, new ConfluentRegistryClient(cfg).schemaById(3).getType());
    }

    @Test
    void tlsWithTheConfiguredTruststore(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.pem");
        Path truststore = dir.resolve("trust.p12");
        String pass = "test-only";
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", pass, "-keypass", pass);
        keytool("-exportcert", "-alias", "registry", "-keystore", keystore.toString(), "-storepass", pass, "-rfc", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", pass);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keystore, pass)));
        server.createContext("/", ex -> answer(ex, 200, SCHEMA_JSON));
        server.start();
        servers.add(server);
        String url = "https://127.0.0.1:" + server.getAddress().getPort();

        Map<String, Object> settings = Map.of(RegistryClientConfig.URL, url,
                "schema.registry.ssl.truststore.location", truststore.toString(),
                "schema.registry.ssl.truststore.password", pass,
                "schema.registry.ssl.truststore.type", "PKCS12");
        assertEquals(Schema.Type.STRING, ConfluentRegistryClient.fromConfig(settings).schemaById(1).getType());

        // Without our truststore the JDK's default trust refuses the self-signed certificate.
        RegistryClientConfig untrusted = RegistryClientConfig.of(url).withRetries(0, Duration.ZERO, Duration.ZERO);
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> new ConfluentRegistryClient(untrusted).schemaById(1));
        assertInstanceOf(javax.net.ssl.SSLException.class, e.getCause(), e.getMessage());
    }

    private static SSLContext serverContext(Path keystore, String pass) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, pass.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, p.exitValue(), "keytool " + args[0] + ": " + out);
    }
}
