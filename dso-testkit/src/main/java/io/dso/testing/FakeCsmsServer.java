package io.dso.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake Huawei Cloud CSMS on 127.0.0.1 (plain http), following the documented API:
 * {@code GET /v1/{project_id}/secrets/{name}/versions/{version_id}} ({@code latest} reads the
 * SYSCURRENT version) and {@code GET /v1/{project_id}/secrets/{name}/stages/{stage}}, JSON error bodies
 * {@code {"error_code","error_msg"}} (CSMS.0106 unknown secret, CSMS.0005 unknown version, both with
 * status 400; APIGW.0301 with 401 for a bad signature; a denial is status 403 with an error code the
 * public error table does not list, so the provider keys on the status). Every request must carry an SDK-HMAC-SHA256
 * {@code Authorization} header and {@code X-Sdk-Date}; the fake recomputes the signature with the
 * secret key. Faults (throttling, 5xx, slow answers, denied secrets) are scripted and every request
 * is recorded.
 */
public final class FakeCsmsServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSION = Pattern.compile("/v1/([^/]+)/secrets/([^/]+)/versions/([^/]+)");
  private static final Pattern STAGE = Pattern.compile("/v1/([^/]+)/secrets/([^/]+)/stages/([^/]+)");
  private static final Pattern AUTH = Pattern.compile("SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)");

  /** One request as the fake received it: what the SDK sent, and whether its signature checked out. */
  public record Request(String method, String path, String accessKey, String sdkDate, boolean signatureValid, String securityToken) {}

  private record Fault(int status, String code, Duration delay) {}

  private final String projectId;
  private final String accessKey;
  private final String secretKey;
  private final HttpServer server;
  /** secret name -> version id -> secret_string, in creation order; the last one is SYSCURRENT. */
  private final Map<String, LinkedHashMap<String, String>> secrets = new ConcurrentHashMap<>();
  private final Map<String, Boolean> denied = new ConcurrentHashMap<>();
  private final Map<String, Boolean> stageDenied = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  /** Starts on a free loopback port, serving {@code projectId} to requests signed with this AK/SK. */
  public FakeCsmsServer(String projectId, String accessKey, String secretKey) {
    this.projectId = projectId;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Adds a new version of {@code name} (creating the secret) and moves SYSCURRENT to it; returns its id. */
  public synchronized String put(String name, String secretString) {
    var versions = secrets.computeIfAbsent(name, k -> new LinkedHashMap<>());
    String id = "v" + (versions.size() + 1);
    versions.put(id, secretString);
    return id;
  }

  /** Makes every request for {@code name} answer 403, as an IAM policy without csms:secret:getVersion does. */
  public void deny(String name) {
    denied.put(name, true);
  }

  /** Makes only ShowSecretStage for {@code name} answer 403, as a policy with getVersion but without csms:secret:getStage. */
  public void denyStage(String name) {
    stageDenied.put(name, true);
  }

  /** The next request answers {@code status} with {@code code} (e.g. 429 APIGW.0308), after {@code delay}. */
  public void failNext(int status, String code, Duration delay) {
    faults.add(new Fault(status, code, delay));
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String date = ex.getRequestHeaders().getFirst("X-Sdk-Date");
      Matcher a = auth == null ? null : AUTH.matcher(auth);
      boolean signed = a != null && a.matches();
      boolean valid = signed && a.group(1).equals(accessKey) && date != null
          && a.group(3).equals(signature(ex, a.group(2), date));
      requests.add(new Request(ex.getRequestMethod(), path, signed ? a.group(1) : null, date, valid,
          ex.getRequestHeaders().getFirst("X-Security-Token")));
      if (!valid) {
        send(ex, 401, error("APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail"));
        return;
      }
      Fault fault = faults.poll();
      if (fault != null) {
        sleep(fault.delay());
        if (fault.status() > 0) {
          send(ex, fault.status(), error(fault.code(), "scripted fault"));
          return;
        }
      }
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, error("CSMS.0003", "The request is invalid."));
        return;
      }
      Matcher v = VERSION.matcher(path);
      Matcher s = STAGE.matcher(path);
      if (v.matches() && v.group(1).equals(projectId)) {
        version(ex, decode(v.group(2)), decode(v.group(3)));
      } else if (s.matches() && s.group(1).equals(projectId)) {
        stage(ex, decode(s.group(2)), decode(s.group(3)));
      } else {
        send(ex, 404, error("CSMS.0003", "The request is invalid."));
      }
    }
  }

  private synchronized void version(HttpExchange ex, String name, String id) throws IOException {
    if (denied.containsKey(name)) {
      send(ex, 403, error("CSMS.0403", "Policy doesn't allow csms:secret:getVersion to be performed."));
      return;
    }
    var versions = secrets.get(name);
    if (versions == null) {
      send(ex, 400, error("CSMS.0106", "The secret name not found int the db."));
      return;
    }
    String versionId = id.equals("latest") ? current(versions) : id;
    String value = versions.get(versionId);
    if (value == null) {
      send(ex, 400, error("CSMS.0005", "The resource does not exist."));
      return;
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("id", versionId);
    metadata.put("create_time", System.currentTimeMillis());
    metadata.put("secret_name", name);
    metadata.put("version_stages", versionId.equals(current(versions)) ? List.of("SYSCURRENT") : List.of());
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("version_metadata", metadata);
    version.put("secret_string", value);
    send(ex, 200, JSON.writeValueAsBytes(Map.of("version", version)));
  }

  private synchronized void stage(HttpExchange ex, String name, String stage) throws IOException {
    if (denied.containsKey(name) || stageDenied.containsKey(name)) {
      send(ex, 403, error("CSMS.0403", "Policy doesn't allow csms:secret:getStage to be performed."));
      return;
    }
    var versions = secrets.get(name);
    if (versions == null) {
      send(ex, 400, error("CSMS.0106", "The secret name not found int the db."));
      return;
    }
    if (!stage.equals("SYSCURRENT")) {
      send(ex, 400, error("CSMS.0005", "The resource does not exist."));
      return;
    }
    send(ex, 200, JSON.writeValueAsBytes(Map.of("stage", Map.of(
        "name", stage, "secret_name", name, "version_id", current(versions), "update_time", System.currentTimeMillis()))));
  }

  private static String current(LinkedHashMap<String, String> versions) {
    String last = null;
    for (String id : versions.keySet()) {
      last = id;
    }
    return last;
  }

  /** The SDK-HMAC-SHA256 signature of this request: HMAC-SHA256(SK, "SDK-HMAC-SHA256\n" + date + "\n" + hash(canonical request)). */
  private String signature(HttpExchange ex, String signedHeaders, String date) {
    try {
      String path = ex.getRequestURI().getRawPath();
      String canonicalUri = path.endsWith("/") ? path : path + "/";
      String query = ex.getRequestURI().getRawQuery();
      String canonicalQuery = "";
      if (query != null && !query.isEmpty()) {
        TreeMap<String, String> q = new TreeMap<>();
        for (String p : query.split("&")) {
          int eq = p.indexOf('=');
          q.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
        }
        StringBuilder b = new StringBuilder();
        q.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(k).append('=').append(v));
        canonicalQuery = b.toString();
      }
      StringBuilder headers = new StringBuilder();
      for (String h : signedHeaders.split(";")) {
        String value = h.equals("host") ? ex.getRequestHeaders().getFirst("Host") : ex.getRequestHeaders().getFirst(h);
        headers.append(h).append(':').append(value == null ? "" : value.strip()).append('\n');
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      String canonical = ex.getRequestMethod() + "\n" + canonicalUri + "\n" + canonicalQuery + "\n" + headers + "\n"
          + signedHeaders + "\n" + hex(sha256(body));
      String toSign = "SDK-HMAC-SHA256\n" + date + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return hex(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | java.security.GeneralSecurityException e) {
      return "unverifiable";
    }
  }

  private static byte[] sha256(byte[] b) throws java.security.NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static byte[] error(String code, String msg) throws IOException {
    return JSON.writeValueAsBytes(Map.of("error_code", code, "error_msg", msg));
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
    ex.getResponseHeaders().set("X-Request-Id", UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT));
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
