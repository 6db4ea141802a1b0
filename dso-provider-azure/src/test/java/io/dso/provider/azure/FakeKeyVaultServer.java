package io.dso.provider.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A fake Azure Key Vault and Microsoft Entra ID token endpoint on 127.0.0.1 over HTTPS, following the
 * documented protocol: {@code GET /secrets/{name}/{version}?api-version=...} answers 401 with a
 * {@code WWW-Authenticate: Bearer authorization="...", resource="..."} challenge until a bearer token
 * issued by {@code POST /{tenant}/oauth2/v2.0/token} (client credentials) is presented; Key Vault's
 * error bodies ({@code SecretNotFound}, {@code Forbidden}, {@code Throttled}) with their status codes;
 * versions; {@code Retry-After}. Every request is recorded for assertions.
 */
public final class FakeKeyVaultServer implements AutoCloseable {
  public static final String TENANT = "fake-tenant";
  public static final String CLIENT_ID = "fake-client-id";
  public static final String API_VERSION_PARAM = "api-version";

  /** One request as the fake saw it. */
  public record Received(long atNanos, String method, String path, String query, String authorization, String body) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final Path certPem;
  private final String clientSecret;
  private final Map<String, List<String[]>> versions = new ConcurrentHashMap<>(); // name -> [version, value]
  private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> throttles = new ConcurrentHashMap<>();
  private final Map<String, Integer> failures5xx = new ConcurrentHashMap<>();
  private final Map<String, Long> delaysMillis = new ConcurrentHashMap<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger tokenCount = new AtomicInteger();
  private volatile int retryAfterSeconds = 1;

  /**
   * Starts on a free port of 127.0.0.1 with a certificate for IP 127.0.0.1 that {@link #generateCertificate}
   * wrote to {@code dir}; {@code clientSecret} is the only one the token endpoint accepts.
   */
  public FakeKeyVaultServer(Path dir, String clientSecret) throws Exception {
    this.clientSecret = clientSecret;
    Path keystore = dir.resolve("fake-kv.p12");
    this.certPem = dir.resolve("fake-kv-cert.pem");
    if (!Files.exists(keystore)) {
      generateCertificate(dir);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool; PEM next to the keystore. */
  public static void generateCertificate(Path dir) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path keystore = dir.resolve("fake-kv.p12");
    run(List.of(keytool.toString(), "-genkeypair", "-alias", "fake-kv", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit"));
    run(List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", "fake-kv", "-keystore", keystore.toString(),
        "-storepass", "changeit", "-file", dir.resolve("fake-kv-cert.pem").toString()));
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
    }
  }

  public String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  public Path certPem() {
    return certPem;
  }

  /** Adds a new current version of a secret and returns its version id (32 hex digits, as Azure's). */
  public String put(String name, String value) {
    String version = HexFormat.of().formatHex(java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), 0, 16);
    versions.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(new String[] {version, value});
    return version;
  }

  public void forbid(String name) {
    forbidden.add(name);
  }

  /** The next {@code times} reads of {@code name} answer 429 Throttled with {@code Retry-After: seconds}. */
  public void throttle(String name, int times, int seconds) {
    throttles.put(name, times);
    retryAfterSeconds = seconds;
  }

  /** Every authenticated read of {@code name} answers only after {@code millis} (a slow vault). */
  public void delay(String name, long millis) {
    delaysMillis.put(name, millis);
  }

  /** The next {@code times} reads of {@code name} answer 503. */
  public void fail5xx(String name, int times) {
    failures5xx.put(name, times);
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> secretReads() {
    return received.stream().filter(r -> r.path().startsWith("/secrets/")).toList();
  }

  public List<Received> tokenRequests() {
    return received.stream().filter(r -> r.path().endsWith("/oauth2/v2.0/token")).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = ex.getRequestURI().getPath();
      String query = ex.getRequestURI().getRawQuery();
      received.add(new Received(System.nanoTime(), ex.getRequestMethod(), path, query,
          ex.getRequestHeaders().getFirst("Authorization"), body));
      if ("POST".equals(ex.getRequestMethod()) && path.equals("/" + TENANT + "/oauth2/v2.0/token")) {
        token(ex, form(body));
      } else if ("GET".equals(ex.getRequestMethod()) && path.startsWith("/secrets/")) {
        secret(ex, path, query == null ? "" : query);
      } else {
        send(ex, 404, Map.of("error", Map.of("code", "NotFound", "message", "no such endpoint in the fake")), Map.of());
      }
    }
  }

  private void token(HttpExchange ex, Map<String, String> form) throws IOException {
    if (!"client_credentials".equals(form.get("grant_type")) || !CLIENT_ID.equals(form.get("client_id"))
        || !clientSecret.equals(form.get("client_secret"))) {
      send(ex, 401, Map.of("error", "invalid_client",
          "error_description", "AADSTS7000215: Invalid client secret provided.", "error_codes", List.of(7000215)), Map.of());
      return;
    }
    if (form.get("scope") == null || !form.get("scope").endsWith("/.default")) {
      send(ex, 400, Map.of("error", "invalid_scope", "error_description", "AADSTS70011: scope must end with /.default"), Map.of());
      return;
    }
    String token = "fake-token-" + tokenCount.incrementAndGet();
    tokens.add(token);
    send(ex, 200, Map.of("token_type", "Bearer", "expires_in", 3599, "ext_expires_in", 3599, "access_token", token), Map.of());
  }

  private void secret(HttpExchange ex, String path, String query) throws IOException {
    if (!query.contains(API_VERSION_PARAM + "=")) {
      send(ex, 400, error("BadParameter", "The request URI contains an invalid api-version."), Map.of());
      return;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      send(ex, 401, error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."),
          Map.of("WWW-Authenticate", "Bearer authorization=\"" + url() + "/" + TENANT
              + "\", resource=\"https://vault.azure.net\""));
      return;
    }
    if (!tokens.contains(auth.substring("Bearer ".length()))) {
      send(ex, 401, error("Unauthorized", "AKV10032: Invalid issuer."), Map.of());
      return;
    }
    String[] parts = path.substring("/secrets/".length()).split("/");
    String name = parts[0];
    String version = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
    Long delay = delaysMillis.get(name);
    if (delay != null) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (forbidden.contains(name)) {
      send(ex, 403, Map.of("error", Map.of("code", "Forbidden",
          "message", "The user, group or application 'appid=" + CLIENT_ID + "' does not have secrets get permission on key vault 'fake'.",
          "innererror", Map.of("code", "AccessDenied"))), Map.of());
      return;
    }
    if (countDown(throttles, name)) {
      send(ex, 429, error("Throttled", "Request was not processed because too many requests were received."),
          Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
      return;
    }
    if (countDown(failures5xx, name)) {
      send(ex, 503, error("ServiceUnavailable", "The service is temporarily unavailable."), Map.of());
      return;
    }
    List<String[]> all = versions.get(name);
    String[] found = null;
    if (all != null && !all.isEmpty()) {
      if (version == null) {
        found = all.get(all.size() - 1);
      } else {
        found = all.stream().filter(v -> v[0].equals(version)).findFirst().orElse(null);
      }
    }
    if (found == null) {
      send(ex, 404, error("SecretNotFound", "A secret with (name/id) " + name
          + (version == null ? "" : "/" + version) + " was not found in this key vault."), Map.of());
      return;
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("enabled", true);
    attributes.put("created", 1_760_000_000);
    attributes.put("updated", 1_760_000_000);
    attributes.put("recoveryLevel", "Recoverable+Purgeable");
    attributes.put("recoverableDays", 90);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("value", found[1]);
    out.put("id", url() + "/secrets/" + name + "/" + found[0]);
    out.put("attributes", attributes);
    out.put("tags", Map.of());
    send(ex, 200, out, Map.of());
  }

  private static boolean countDown(Map<String, Integer> counters, String name) {
    boolean[] hit = {false};
    counters.computeIfPresent(name, (k, n) -> {
      hit[0] = true;
      return n <= 1 ? null : n - 1;
    });
    return hit[0];
  }

  private static Map<String, Object> error(String code, String message) {
    return Map.of("error", Map.of("code", code, "message", message));
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void send(HttpExchange ex, int status, Object body, Map<String, String> headers) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  /** Names of recorded requests, for failure messages. */
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    for (Received r : received) {
      out.add(r.method() + " " + r.path() + (r.authorization() == null ? "" : " [auth]"));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
