package io.dso.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;

/**
 * A fake AWS Secrets Manager (and the STS AssumeRole it may need) on 127.0.0.1, following the
 * documented wire protocol: {@code POST /} with {@code X-Amz-Target: secretsmanager.<Action>}, JSON 1.1
 * bodies, a SigV4 signature that is recomputed and checked, error bodies
 * {@code {"__type":"ResourceNotFoundException","message":...}} with status 400, versions with staging
 * labels, BatchGetSecretValue's 20-id limit and per-secret {@code Errors}. Faults (throttling, 5xx,
 * slow answers, denied actions) are scripted by the test, and every request is recorded.
 */
public final class FakeSecretsManagerServer implements AutoCloseable {
  public static final String ACCOUNT = "123456789012";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as the fake received it. */
  public record Request(String action, JsonNode body, String accessKeyId, String region, String service, boolean hadSecurityToken) {}

  private record Version(String id, String string, byte[] binary, Set<String> stages, double created) {}

  private static final class Secret {
    final String name;
    final String arn;
    final List<Version> versions = new ArrayList<>();
    final Map<String, String> tags = new LinkedHashMap<>();

    Secret(String name, String arn) {
      this.name = name;
      this.arn = arn;
    }
  }

  private record Fault(String action, int status, String type, Duration delay) {}

  private record Role(String arn, String externalId) {}

  private final String region;
  private final HttpServer server;
  private final Map<String, String> keys = new ConcurrentHashMap<>(); // access key id -> secret key
  private final Map<String, String> sessionTokens = new ConcurrentHashMap<>(); // temporary key id -> session token
  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final Set<String> denied = ConcurrentHashMap.newKeySet(); // "Action" or "Action:name"
  private final Map<String, Role> roles = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  /** Starts on a free loopback port, accepting requests signed with the given key pair for {@code region}. */
  public FakeSecretsManagerServer(String region, String accessKeyId, String secretAccessKey) {
    this.region = region;
    keys.put(accessKeyId, secretAccessKey);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the fake Secrets Manager on 127.0.0.1", e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Stores a new SecretString version that becomes AWSCURRENT (the former one AWSPREVIOUS); returns its version id. */
  public synchronized String putString(String name, String value) {
    return put(name, value, null);
  }

  /** Stores a new SecretBinary version, as {@link #putString}. */
  public synchronized String putBinary(String name, byte[] value) {
    return put(name, null, value.clone());
  }

  private String put(String name, String string, byte[] binary) {
    Secret s = secrets.computeIfAbsent(name, n -> new Secret(n,
        "arn:aws:secretsmanager:" + region + ":" + ACCOUNT + ":secret:" + n + "-" + UUID.randomUUID().toString().substring(0, 6)));
    String id = UUID.randomUUID().toString();
    for (Version v : s.versions) {
      v.stages().remove("AWSPREVIOUS");
      if (v.stages().remove("AWSCURRENT")) {
        v.stages().add("AWSPREVIOUS");
      }
    }
    s.versions.add(new Version(id, string, binary, new HashSet<>(Set.of("AWSCURRENT")), System.currentTimeMillis() / 1000.0));
    return id;
  }

  /** Moves a staging label (e.g. AWSPENDING) to a version of a secret. */
  public synchronized void stage(String name, String versionId, String label) {
    Secret s = secrets.get(name);
    s.versions.forEach(v -> v.stages().remove(label));
    s.versions.stream().filter(v -> v.id().equals(versionId)).findFirst().orElseThrow().stages().add(label);
  }

  public synchronized void tag(String name, String key, String value) {
    secrets.get(name).tags.put(key, value);
  }

  public String arn(String name) {
    return secrets.get(name).arn;
  }

  /** Answers AccessDeniedException to {@code action} (e.g. GetSecretValue) for one secret, or for all when name is null. */
  public void deny(String action, String name) {
    denied.add(name == null ? action : action + ":" + name);
  }

  /** The next {@code n} requests of {@code action} (null: any) fail with this status and error type. */
  public void failNext(String action, int n, int status, String type) {
    for (int i = 0; i < n; i++) {
      faults.add(new Fault(action, status, type, Duration.ZERO));
    }
  }

  /** The next {@code n} requests of any action answer ThrottlingException ("Rate exceeded"), as Secrets Manager does. */
  public void throttleNext(int n) {
    failNext(null, n, 400, "ThrottlingException");
  }

  /** The next request of {@code action} is answered normally, but only after {@code delay}. */
  public void delayNext(String action, Duration delay) {
    faults.add(new Fault(action, 0, null, delay));
  }

  /** Lets STS AssumeRole issue temporary credentials for this role (and, when set, only with this external id). */
  public void allowRole(String roleArn, String externalId) {
    roles.put(roleArn, new Role(roleArn, externalId));
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public long count(String action) {
    return requests().stream().filter(r -> r.action().equals(action)).count();
  }

  public void clearRequests() {
    requests.clear();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      boolean sts = target == null;
      String action = sts ? form(body).getOrDefault("Action", "?") : target.substring(target.indexOf('.') + 1);
      var scope = AwsSigV4Verifier.parse(ex.getRequestHeaders().getFirst("Authorization"));
      String token = ex.getRequestHeaders().getFirst("X-Amz-Security-Token");
      requests.add(new Request(action, sts ? JSON.valueToTree(form(body)) : JSON.readTree(body.length == 0 ? "{}".getBytes() : body),
          scope == null ? null : scope.accessKeyId(), scope == null ? null : scope.region(), scope == null ? null : scope.service(),
          token != null));
      if (!"POST".equals(ex.getRequestMethod())) {
        error(ex, sts, 400, "InvalidAction", "only POST / is served");
        return;
      }
      if (scope == null) {
        error(ex, sts, 400, sts ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException", "Missing Authentication Token");
        return;
      }
      String secretKey = keys.get(scope.accessKeyId());
      if (secretKey == null || (sessionTokens.containsKey(scope.accessKeyId()) && !sessionTokens.get(scope.accessKeyId()).equals(token))) {
        error(ex, sts, sts ? 403 : 400, sts ? "InvalidClientTokenId" : "UnrecognizedClientException",
            "The security token included in the request is invalid.");
        return;
      }
      if (!scope.region().equals(region) || !scope.service().equals(sts ? "sts" : "secretsmanager")
          || !AwsSigV4Verifier.verify(scope, "POST", ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
              h -> ex.getRequestHeaders().get(h), body, secretKey)) {
        error(ex, sts, sts ? 403 : 400, sts ? "SignatureDoesNotMatch" : "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided.");
        return;
      }
      Fault fault = nextFault(action);
      if (fault != null && fault.delay().isPositive()) {
        try {
          Thread.sleep(fault.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      } else if (fault != null) {
        error(ex, sts, fault.status(), fault.type(), fault.type().startsWith("Throttling") ? "Rate exceeded" : "An error occurred on the server side.");
        return;
      }
      if (sts) {
        assumeRole(ex, form(body));
      } else {
        secretsManager(ex, action, JSON.readTree(body));
      }
    } catch (RuntimeException e) {
      error(ex, false, 500, "InternalServiceError", "fake failed: " + e.getClass().getSimpleName());
    }
  }

  private synchronized Fault nextFault(String action) {
    for (var it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.action() == null || f.action().equals(action)) {
        it.remove();
        return f;
      }
    }
    return null;
  }

  private void secretsManager(HttpExchange ex, String action, JsonNode in) throws IOException {
    if (denied.contains(action)) {
      error(ex, false, 400, "AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT + ":user/dso is not authorized to perform: secretsmanager:"
          + action + " because no identity-based policy allows the secretsmanager:" + action + " action");
      return;
    }
    switch (action) {
      case "GetSecretValue" -> {
        String id = in.path("SecretId").asText();
        Object r = getValue(id, text(in, "VersionId"), text(in, "VersionStage"));
        if (r instanceof String[] err) {
          error(ex, false, 400, err[0], err[1]);
        } else {
          ok(ex, (ObjectNode) r);
        }
      }
      case "DescribeSecret" -> {
        Secret s = find(in.path("SecretId").asText());
        if (s == null || denied.contains("DescribeSecret:" + s.name)) {
          error(ex, false, 400, s == null ? "ResourceNotFoundException" : "AccessDeniedException",
              s == null ? "Secrets Manager can't find the specified secret." : "not authorized to perform: secretsmanager:DescribeSecret");
          return;
        }
        ok(ex, describe(s));
      }
      case "BatchGetSecretValue" -> {
        JsonNode ids = in.path("SecretIdList");
        if (!ids.isArray() || ids.isEmpty() || ids.size() > 20) {
          error(ex, false, 400, "InvalidParameterException", "SecretIdList must hold between 1 and 20 secret ids.");
          return;
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode values = out.putArray("SecretValues");
        ArrayNode errors = out.putArray("Errors");
        for (JsonNode idNode : ids) {
          Object r = getValue(idNode.asText(), null, "AWSCURRENT");
          if (r instanceof String[] err) {
            errors.addObject().put("SecretId", idNode.asText()).put("ErrorCode", err[0]).put("Message", err[1]);
          } else {
            values.add((ObjectNode) r);
          }
        }
        ok(ex, out);
      }
      default -> error(ex, false, 400, "UnknownOperationException", "");
    }
  }

  /** The GetSecretValue answer, or {type, message} of the documented error. */
  private synchronized Object getValue(String id, String versionId, String stage) {
    Secret s = find(id);
    if (s == null) {
      return new String[] {"ResourceNotFoundException", "Secrets Manager can't find the specified secret."};
    }
    if (denied.contains("GetSecretValue:" + s.name)) {
      return new String[] {"AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT
          + ":user/dso is not authorized to perform: secretsmanager:GetSecretValue on resource: " + s.arn};
    }
    String label = stage == null && versionId == null ? "AWSCURRENT" : stage;
    Version found = null;
    for (Version v : s.versions) {
      if ((versionId == null || v.id().equals(versionId)) && (label == null || v.stages().contains(label))) {
        found = v;
      }
    }
    if (found == null) {
      return new String[] {"ResourceNotFoundException", versionId != null
          ? "Secrets Manager can't find the specified secret value for VersionId: " + versionId
          : "Secrets Manager can't find the specified secret value for staging label: " + label};
    }
    ObjectNode o = JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", found.id());
    if (found.string() != null) {
      o.put("SecretString", found.string());
    } else {
      o.put("SecretBinary", Base64.getEncoder().encodeToString(found.binary()));
    }
    ArrayNode stages = o.putArray("VersionStages");
    new LinkedHashSet<>(found.stages()).forEach(stages::add);
    o.put("CreatedDate", found.created());
    return o;
  }

  private synchronized ObjectNode describe(Secret s) {
    ObjectNode o = JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name);
    ObjectNode stages = o.putObject("VersionIdsToStages");
    for (Version v : s.versions) {
      if (!v.stages().isEmpty()) {
        ArrayNode a = stages.putArray(v.id());
        v.stages().forEach(a::add);
      }
    }
    ArrayNode tags = o.putArray("Tags");
    s.tags.forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
    return o;
  }

  private Secret find(String id) {
    Secret s = secrets.get(id);
    if (s != null) {
      return s;
    }
    for (Secret c : secrets.values()) {
      if (c.arn.equals(id) || (c.arn.length() == id.length() + 7 && c.arn.startsWith(id + "-"))) {
        return c;
      }
    }
    return null;
  }

  private void assumeRole(HttpExchange ex, Map<String, String> form) throws IOException {
    Role role = roles.get(form.getOrDefault("RoleArn", ""));
    if (!"AssumeRole".equals(form.get("Action")) || role == null
        || (role.externalId() != null && !role.externalId().equals(form.get("ExternalId")))) {
      error(ex, true, 403, "AccessDenied", "User: arn:aws:iam::" + ACCOUNT + ":user/dso is not authorized to perform: sts:AssumeRole on resource: "
          + form.get("RoleArn"));
      return;
    }
    String id = "ASIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(java.util.Locale.ROOT);
    String secret = UUID.randomUUID().toString();
    String session = "FQoGZXIvYXdzE" + UUID.randomUUID();
    keys.put(id, secret);
    sessionTokens.put(id, session);
    String xml = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials>
              <AccessKeyId>%s</AccessKeyId>
              <SecretAccessKey>%s</SecretAccessKey>
              <SessionToken>%s</SessionToken>
              <Expiration>%s</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <AssumedRoleId>AROA3XFRBF535PLBIFPI4:%s</AssumedRoleId>
              <Arn>%s</Arn>
            </AssumedRoleUser>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """.formatted(id, secret, session, java.time.Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        form.get("RoleSessionName"), role.arn().replace(":iam:", ":sts:").replace(":role/", ":assumed-role/") + "/" + form.get("RoleSessionName"),
        UUID.randomUUID());
    send(ex, 200, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> form(byte[] body) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return m;
  }

  private static String text(JsonNode in, String field) {
    JsonNode n = in.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static void ok(HttpExchange ex, ObjectNode body) throws IOException {
    send(ex, 200, "application/x-amz-json-1.1", JSON.writeValueAsBytes(body));
  }

  private static void error(HttpExchange ex, boolean sts, int status, String type, String message) {
    try {
      if (sts) {
        String xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>" + type
            + "</Code><Message>" + message + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
        send(ex, status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
      } else {
        send(ex, status, "application/x-amz-json-1.1",
            JSON.writeValueAsBytes(JSON.createObjectNode().put("__type", type).put("message", message)));
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
