package io.dso.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A fake Vault/OpenBao HTTP server on 127.0.0.1 that follows the documented API for what the provider
 * uses: KV v2 ({@code data/}, {@code metadata/}, versions, deleted versions answering 404 with their
 * metadata), KV v1, the mount-detection endpoint, token/AppRole/JWT auth with TTLs, renew-self and
 * revocation, dynamic {@code creds/} with leases, {@code sys/leases/revoke}, namespaces, a sealed
 * state (503) and Vault's {@code {"errors":[...]}} bodies (403 without a valid token, 404 with an
 * empty list). Every request is logged for assertions.
 */
public final class FakeVaultServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One received request: method, path with query, and the auth and namespace headers. */
  public record Request(String method, String path, String token, String namespace, JsonNode body) {}

  private record TokenInfo(Instant expiresAt, boolean renewable, long ttl) {}

  private final HttpServer server;
  private final Clock clock;
  public final List<Request> log = new CopyOnWriteArrayList<>();
  private final Map<String, TokenInfo> tokens = new ConcurrentHashMap<>();
  // mount -> path -> versions (index 0 = version 1; null entry = deleted version)
  private final Map<String, Map<String, List<Map<String, String>>>> kv2 = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Map<String, String>>> kv1 = new ConcurrentHashMap<>();
  private final Map<String, Long> dynamicMounts = new ConcurrentHashMap<>();
  public final Set<String> revokedLeases = ConcurrentHashMap.newKeySet();
  /** Lease id -> when it was issued and the username it carries, for dynamic credentials. */
  public final Map<String, Instant> leaseIssued = new ConcurrentHashMap<>();
  public final Map<String, String> leaseUser = new ConcurrentHashMap<>();
  public final Set<String> deniedPaths = ConcurrentHashMap.newKeySet();
  private final AtomicInteger leaseCounter = new AtomicInteger();
  public volatile String requiredNamespace;
  public volatile boolean sealed;
  public volatile String roleId;
  public volatile String secretId;
  public volatile String jwtRole;
  public volatile String jwt;
  public volatile long loginTtl = 60;

  public FakeVaultServer(Clock clock) throws IOException {
    this(clock, null, false);
  }

  /**
   * Serves https with {@code tls} when it is not null; {@code needClientCert} makes the handshake
   * demand a client certificate trusted by {@code tls} (mutual TLS).
   */
  public FakeVaultServer(Clock clock, SSLContext tls, boolean needClientCert) throws IOException {
    this.clock = clock;
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(loopback, 16);
    } else {
      HttpsServer https = HttpsServer.create(loopback, 16);
      https.setHttpsConfigurator(new HttpsConfigurator(tls) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = tls.getDefaultSSLParameters();
          p.setNeedClientAuth(needClientCert);
          params.setSSLParameters(p);
        }
      });
      server = https;
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public String address() {
    return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A token valid for {@code ttl} seconds (0: no expiry). */
  public void addToken(String token, long ttl, boolean renewable) {
    tokens.put(token, new TokenInfo(ttl == 0 ? Instant.MAX : clock.instant().plusSeconds(ttl), renewable, ttl));
  }

  public void revokeToken(String token) {
    tokens.remove(token);
  }

  public Set<String> liveTokens() {
    return tokens.keySet();
  }

  /** Writes a new KV v2 version; returns its number. */
  public int putV2(String mount, String path, Map<String, String> data) {
    List<Map<String, String>> versions = kv2.computeIfAbsent(mount, m -> new ConcurrentHashMap<>())
        .computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
    versions.add(Map.copyOf(data));
    return versions.size();
  }

  public void deleteV2Version(String mount, String path, int version) {
    kv2.get(mount).get(path).set(version - 1, Map.of());
  }

  public void putV1(String mount, String path, Map<String, String> data) {
    kv1.computeIfAbsent(mount, m -> new ConcurrentHashMap<>()).put(path, Map.copyOf(data));
  }

  public void dynamicMount(String mount, long leaseSeconds) {
    dynamicMounts.put(mount, leaseSeconds);
  }

  public List<Request> requests(String method, String pathPrefix) {
    List<Request> out = new ArrayList<>();
    for (Request r : log) {
      if (r.method().equals(method) && r.path().startsWith(pathPrefix)) {
        out.add(r);
      }
    }
    return out;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String full = ex.getRequestURI().getRawPath().substring("/v1/".length())
          + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
      byte[] raw = ex.getRequestBody().readAllBytes();
      JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
      String token = ex.getRequestHeaders().getFirst("X-Vault-Token");
      String ns = ex.getRequestHeaders().getFirst("X-Vault-Namespace");
      log.add(new Request(method, full, token, ns, body));
      String path = full.contains("?") ? full.substring(0, full.indexOf('?')) : full;
      String query = full.contains("?") ? full.substring(full.indexOf('?') + 1) : "";
      if (sealed) {
        send(ex, 503, errors("Vault is sealed"));
        return;
      }
      if (requiredNamespace != null && !requiredNamespace.equals(ns)) {
        send(ex, 403, errors("permission denied"));
        return;
      }
      if (method.equals("POST") && path.endsWith("/login")) {
        login(ex, path, body);
        return;
      }
      TokenInfo info = token == null ? null : tokens.get(token);
      if (info == null || !clock.instant().isBefore(info.expiresAt()) || deniedPaths.contains(path)) {
        send(ex, 403, errors("permission denied"));
        return;
      }
      route(ex, method, path, query, token, info, body);
    }
  }

  private void route(HttpExchange ex, String method, String path, String query, String token, TokenInfo info, JsonNode body)
      throws IOException {
    String[] parts = path.split("/", 3);
    if (path.equals("auth/token/renew-self") && method.equals("POST")) {
      if (!info.renewable()) {
        send(ex, 400, errors("lease is not renewable"));
        return;
      }
      addToken(token, info.ttl(), true);
      send(ex, 200, auth(token, info.ttl(), true));
    } else if (path.equals("auth/token/lookup-self") && method.equals("GET")) {
      long left = info.ttl() == 0 ? 0 : Math.max(0, info.expiresAt().getEpochSecond() - clock.instant().getEpochSecond());
      ObjectNode d = JSON.createObjectNode().put("ttl", left).put("renewable", info.renewable());
      send(ex, 200, JSON.createObjectNode().set("data", d));
    } else if (path.startsWith("sys/internal/ui/mounts/")) {
      String mount = path.substring("sys/internal/ui/mounts/".length());
      ObjectNode d = JSON.createObjectNode();
      if (kv2.containsKey(mount)) {
        d.put("type", "kv").putObject("options").put("version", "2");
      } else if (kv1.containsKey(mount)) {
        d.put("type", "kv").putObject("options").put("version", "1");
      } else {
        send(ex, 403, errors("preflight capability check returned 403, please ensure client's policies grant access to the path"));
        return;
      }
      send(ex, 200, JSON.createObjectNode().set("data", d));
    } else if (path.equals("sys/leases/revoke") && method.equals("PUT")) {
      revokedLeases.add(body.path("lease_id").asText());
      ex.sendResponseHeaders(204, -1);
    } else if (parts.length == 3 && dynamicMounts.containsKey(parts[0]) && parts[1].equals("creds")) {
      String leaseId = parts[0] + "/creds/" + parts[2] + "/lease-" + leaseCounter.incrementAndGet();
      ObjectNode out = JSON.createObjectNode().put("lease_id", leaseId)
          .put("lease_duration", dynamicMounts.get(parts[0])).put("renewable", true);
      String user = "v-" + parts[2] + "-" + leaseCounter.get();
      out.putObject("data").put("username", user).put("password", "CANARY-dyn-" + UUID.randomUUID());
      leaseIssued.put(leaseId, clock.instant());
      leaseUser.put(leaseId, user);
      send(ex, 200, out);
    } else if (parts.length == 3 && kv2.containsKey(parts[0]) && parts[1].equals("data")) {
      readV2(ex, kv2.get(parts[0]).get(parts[2]), query);
    } else if (parts.length == 3 && kv2.containsKey(parts[0]) && parts[1].equals("metadata")) {
      List<Map<String, String>> versions = kv2.get(parts[0]).get(parts[2]);
      if (versions == null) {
        send(ex, 404, errors());
        return;
      }
      ObjectNode d = JSON.createObjectNode().put("current_version", versions.size()).put("oldest_version", 1);
      send(ex, 200, JSON.createObjectNode().set("data", d));
    } else if (parts.length >= 2 && kv1.containsKey(parts[0])) {
      Map<String, String> v = kv1.get(parts[0]).get(path.substring(parts[0].length() + 1));
      if (v == null) {
        send(ex, 404, errors());
        return;
      }
      send(ex, 200, JSON.createObjectNode().put("lease_duration", 2764800).set("data", JSON.valueToTree(v)));
    } else {
      send(ex, 404, errors());
    }
  }

  private void readV2(HttpExchange ex, List<Map<String, String>> versions, String query) throws IOException {
    if (versions == null) {
      send(ex, 404, errors());
      return;
    }
    int version = query.startsWith("version=") ? Integer.parseInt(query.substring(8)) : versions.size();
    if (version < 1 || version > versions.size()) {
      send(ex, 404, errors());
      return;
    }
    Map<String, String> data = versions.get(version - 1);
    ObjectNode d = JSON.createObjectNode();
    ObjectNode meta = JSON.createObjectNode().put("version", version).put("destroyed", false);
    if (data.isEmpty()) {
      // Vault answers a deleted version with 404, null data and its metadata.
      d.putNull("data");
      meta.put("deletion_time", "2026-01-01T00:00:00Z");
      d.set("metadata", meta);
      send(ex, 404, JSON.createObjectNode().set("data", d));
      return;
    }
    d.set("data", JSON.valueToTree(data));
    meta.put("deletion_time", "");
    d.set("metadata", meta);
    send(ex, 200, JSON.createObjectNode().set("data", d));
  }

  private void login(HttpExchange ex, String path, JsonNode body) throws IOException {
    boolean ok = switch (path) {
      case "auth/approle/login" -> roleId != null && roleId.equals(body.path("role_id").asText())
          && secretId != null && secretId.equals(body.path("secret_id").asText());
      case "auth/jwt/login" -> jwtRole != null && jwtRole.equals(body.path("role").asText()) && jwt != null
          && jwt.equals(body.path("jwt").asText());
      default -> false;
    };
    if (!ok) {
      send(ex, 400, errors("invalid role or secret ID"));
      return;
    }
    String token = "hvs.fake-" + UUID.randomUUID();
    addToken(token, loginTtl, true);
    send(ex, 200, auth(token, loginTtl, true));
  }

  private static ObjectNode auth(String token, long ttl, boolean renewable) {
    ObjectNode out = JSON.createObjectNode();
    out.putObject("auth").put("client_token", token).put("lease_duration", ttl).put("renewable", renewable);
    return out;
  }

  private static ObjectNode errors(String... messages) {
    ObjectNode out = JSON.createObjectNode();
    var arr = out.putArray("errors");
    for (String m : messages) {
      arr.add(m);
    }
    return out;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
