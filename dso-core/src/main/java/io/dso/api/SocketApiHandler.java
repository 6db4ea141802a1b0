package io.dso.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dso.observability.AuditEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API on the agent's unix socket: the peer is identified by SO_PEERCRED and served only when
 * {@link PeerPolicy} allows it (else 403, audited with its uid). Besides the shared endpoints it
 * serves the value endpoints ({@code POST /api/fetch}, {@code /api/sync}, {@code /api/purge}), the
 * audit stream and the routes handed in by other parts of the agent, keyed {@code "METHOD /path"}.
 */
public final class SocketApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(SocketApiHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Larger bodies are refused: no request of the CLI comes near it. */
  static final int MAX_BODY = 1 << 20;
  private static final String PEER_ATTRIBUTE = SocketApiHandler.class.getName() + ".peer";

  private final ApiHandler shared;
  private final PeerPolicy policy;
  private final Consumer<AuditEvent> audit;
  private final Map<String, SocketRoute> routes;

  /**
   * @param shared the TCP API's handler, for the endpoints both serve (and its event feed)
   * @param extra further routes keyed {@code "METHOD /path"}, e.g. {@code "POST /api/compose/plan"}
   */
  public SocketApiHandler(ApiHandler shared, SecretAccess secrets, Consumer<AuditEvent> audit, Map<String, SocketRoute> extra) {
    this(shared, secrets, audit, extra, PeerPolicy.forThisProcess(Accounts.system(), io.dso.PrivatePaths.currentUid()));
  }

  SocketApiHandler(ApiHandler shared, SecretAccess secrets, Consumer<AuditEvent> audit, Map<String, SocketRoute> extra,
      PeerPolicy policy) {
    this.shared = shared;
    this.policy = policy;
    this.audit = audit;
    Map<String, SocketRoute> all = new LinkedHashMap<>(extra);
    all.put("POST /api/fetch", (user, body) -> fetched(secrets.fetch(text(body, "secret", true), user)));
    all.put("POST /api/sync", (user, body) -> Map.of("results", secrets.sync(text(body, "secret", false), user)));
    all.put("POST /api/purge", (user, body) -> Map.of("results", secrets.purge(names(body), user)));
    this.routes = Map.copyOf(all);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Peer peer = peer(request);
    if (peer == null) {
      return Responses.error(response, callback, 500,
          "cannot tell who is calling (SO_PEERCRED unavailable on this connection); the socket serves nobody it cannot name");
    }
    String path = Request.getPathInContext(request);
    String key = request.getMethod() + " " + path;
    if (!policy.allows(peer)) {
      denied(peer, request.getMethod(), path);
      return Responses.error(response, callback, 403, policy.refusal(peer));
    }
    if (key.equals("GET /api/audit/stream")) {
      return shared.auditStream(request, response, callback);
    }
    SocketRoute route = routes.get(key);
    if (route != null) {
      return json(route, peer, request, response, callback);
    }
    return shared.route(request, response, callback, true);
  }

  private boolean json(SocketRoute route, Peer peer, Request request, Response response, Callback callback) {
    try {
      JsonNode body = body(request);
      return Responses.json(response, callback, 200, route.handle(peer.auditUser(), body));
    } catch (ApiException e) {
      return Responses.error(response, callback, e.status(), e.getMessage());
    } catch (JsonProcessingException e) {
      // the location only: a parser message quotes the body, which may hold anything
      var at = e.getLocation();
      return Responses.error(response, callback, 400, "request body is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + "; send a JSON object");
    } catch (IOException e) {
      return Responses.error(response, callback, 400, "request body could not be read: " + e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      LOG.warn("socket call {} failed: {}", Request.getPathInContext(request), e.toString());
      return Responses.error(response, callback, 500,
          "the agent failed on " + Request.getPathInContext(request) + " (" + e.getClass().getSimpleName() + "); see the agent's log");
    }
  }

  private static JsonNode body(Request request) throws IOException {
    byte[] bytes;
    try (InputStream in = Request.asInputStream(request)) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new ApiException(413, "request body over " + MAX_BODY + " bytes; send less");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return JsonNodeFactory.instance.objectNode();
    }
    JsonNode node = JSON.readTree(text);
    if (node == null || !node.isObject()) {
      throw new ApiException(400, "request body must be a JSON object");
    }
    return node;
  }

  private static Map<String, Object> fetched(SecretAccess.Value v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("secret", v.secret());
    m.put("version", v.version());
    m.put("provider", v.provider());
    m.put("fetched_at", v.fetchedAt() == null ? null : v.fetchedAt().toString());
    m.put("data", new TreeMap<>(v.data()));
    return m;
  }

  /** A string field of the body; null when absent and not required. */
  static String text(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new ApiException(400, "missing \"" + field + "\" in the request body; send {\"" + field + "\": \"<name>\"}");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new ApiException(400, "\"" + field + "\" must be a non-empty string");
    }
    return v.asText();
  }

  private static List<String> names(JsonNode body) {
    JsonNode v = body.get("secrets");
    if (v == null || !v.isArray()) {
      throw new ApiException(400, "send {\"secrets\": [\"<name>\", ...]}");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : v) {
      if (!n.isTextual() || n.asText().isBlank()) {
        throw new ApiException(400, "\"secrets\" must hold non-empty strings");
      }
      out.add(n.asText());
    }
    return out;
  }

  /**
   * Audits a refusal: as the action that was refused where one exists (a value read or refresh is a
   * failed {@code secret_fetch}, a purge a failed {@code secret_purge}), else as {@code api_denied}.
   */
  private void denied(Peer peer, String method, String path) {
    String event = switch (path) {
      case "/api/fetch", "/api/sync" -> "secret_fetch";
      case "/api/purge" -> "secret_purge";
      default -> "api_denied";
    };
    AuditEvent e = new AuditEvent("audit", event, peer.auditUser(), null, null, null, "failed", Map.of())
        .withExtra("error", "permission denied on the agent's socket")
        .withExtra("http_status", 403)
        .withExtra("method", method)
        .withExtra("path", path);
    audit.accept(peer.uid() >= 0 ? e.withExtra("uid", peer.uid()) : e);
  }

  /** The peer of this request's connection, looked up once per connection; null when not a unix socket. */
  private Peer peer(Request request) {
    var meta = request.getConnectionMetaData();
    Object known = meta.getAttribute(PEER_ATTRIBUTE);
    if (known instanceof Peer p) {
      return p;
    }
    EndPoint ep = meta.getConnection().getEndPoint();
    if (!(ep instanceof SocketChannelEndPoint s)) {
      return null;
    }
    try {
      UnixDomainPrincipal who = s.getChannel().getOption(ExtendedSocketOptions.SO_PEERCRED);
      Peer p = policy.identify(who.user().getName(), who.group().getName());
      meta.setAttribute(PEER_ATTRIBUTE, p);
      return p;
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("SO_PEERCRED failed on a socket connection: {}", e.toString());
      return null;
    }
  }
}
