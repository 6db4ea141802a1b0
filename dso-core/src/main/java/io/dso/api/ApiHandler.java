package io.dso.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The agent's REST API on loopback: {@code /health}, {@code /ready}, {@code /api/secrets} (names,
 * versions and fetch times; never values), {@code /api/containers/<name>} and the events endpoints.
 * It sees the agent only through narrow views, so it is tested without Docker or an agent. Blocking
 * (not NonBlocking): the webhook reads a body and event streams live long, so Jetty runs requests on
 * the agent's virtual threads.
 */
public final class ApiHandler extends Handler.Abstract {
  private static final java.util.Set<String> GET_PATHS =
      java.util.Set.of("/health", "/ready", "/api/secrets", "/api/events", "/api/events/stream");
  private final HostCheck hosts;
  private final ReadinessView readiness;
  private final SecretsView secretsView;
  private final EventFeed feed = new EventFeed();
  private final EventsEndpoints events;

  /**
   * @param bindHost the address the API listens on; a non-loopback one is accepted as {@code Host}
   * @param auditRecords where the handler subscribes to audit records for the event endpoints
   */
  public ApiHandler(String bindHost, ReadinessView readiness, SecretsView secrets, WebhookSink webhook,
      Consumer<Consumer<Map<String, Object>>> auditRecords) {
    this.hosts = HostCheck.forBind(bindHost);
    this.readiness = readiness;
    this.secretsView = secrets;
    this.events = new EventsEndpoints(webhook, feed);
    auditRecords.accept(feed);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!hosts.allows(request.getHeaders().get(HttpHeader.HOST))) {
      // Never echo the header: it is attacker-chosen text.
      return Responses.error(response, callback, 403,
          "Host header is not this machine's loopback; call the API as localhost, 127.0.0.1 or [::1]");
    }
    return route(request, response, callback, false);
  }

  /**
   * Serves the shared endpoints. {@code socketPeer}: the caller came through the unix socket and was
   * authorised by its credentials, so the event endpoints do not ask for the webhook token.
   */
  boolean route(Request request, Response response, Callback callback, boolean socketPeer) throws Exception {
    String path = Request.getPathInContext(request);
    if (path.equals("/api/events/secret-update")) {
      if (!request.getMethod().equals("POST")) {
        return Responses.error(response, callback, 405, "use POST on " + path);
      }
      return events.secretUpdate(request, response, callback);
    }
    if (path.equals("/api/events") && request.getMethod().equals("GET")) {
      return events.recent(request, response, callback, socketPeer);
    }
    if (path.equals("/api/events/stream") && request.getMethod().equals("GET")) {
      return events.stream(request, response, callback, socketPeer);
    }
    if (!request.getMethod().equals("GET")) {
      // 405 only where a GET would be served: other paths (the socket's fetch, sync, purge) do not exist here
      return GET_PATHS.contains(path) || path.startsWith("/api/containers/")
          ? Responses.error(response, callback, 405, "method " + request.getMethod() + " not allowed on " + path)
          : Responses.error(response, callback, 404, "no such endpoint: " + request.getMethod() + " " + path);
    }
    if (path.startsWith("/api/containers/")) {
      return container(path.substring("/api/containers/".length()), response, callback);
    }
    return switch (path) {
      case "/health" -> Responses.json(response, callback, 200, Map.of("status", "ok"));
      case "/ready" -> ready(response, callback);
      case "/api/secrets" -> secrets(response, callback);
      default -> Responses.error(response, callback, 404, "no such endpoint: " + path + " (try /health, /ready, /api/secrets, /api/events)");
    };
  }

  /** Every audit record as it is written, for a caller the unix socket has authorised. */
  boolean auditStream(Request request, Response response, Callback callback) {
    return events.stream(request, response, callback, true);
  }

  /** Ends open event streams so that the server stops promptly. */
  @Override
  protected void doStop() throws Exception {
    feed.close();
    super.doStop();
  }

  private boolean ready(Response response, Callback callback) {
    ReadinessView.Readiness r = readiness.readiness();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", r.ready());
    body.put("secrets_fetched", r.secretsFetched());
    body.put("docker", r.dockerUp() ? "connected" : "unreachable");
    body.put("docker_host", r.dockerHost());
    if (!r.dockerUp()) {
      body.put("reason", "Docker Engine unreachable: container work is paused; fetch, cache, metrics and audit continue");
    } else if (!r.secretsFetched()) {
      body.put("reason", "first fetch of every secret still in progress");
    }
    return Responses.json(response, callback, r.ready() ? 200 : 503, body);
  }

  private boolean container(String name, Response response, Callback callback) {
    if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
      return Responses.error(response, callback, 400, "invalid container name or id '" + name + "'");
    }
    ReadinessView.Readiness r = readiness.readiness();
    if (!r.dockerUp()) {
      return Responses.error(response, callback, 503, "Docker Engine unreachable at " + r.dockerHost());
    }
    var report = secretsView.container(name);
    if (report.isEmpty()) {
      return Responses.error(response, callback, 404, "no container named or with id '" + name + "'");
    }
    List<Map<String, Object>> secrets = new ArrayList<>();
    for (var e : report.get().secrets()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("secret", e.secret());
      m.put("mode", e.mode());
      m.put("path", e.path());
      m.put("keys", e.keys());
      m.put("version", e.version());
      m.put("injected_at", e.injectedAt() == null ? null : e.injectedAt().toString());
      secrets.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", report.get().id().substring(0, 12));
    body.put("name", report.get().name());
    body.put("secrets", secrets);
    return Responses.json(response, callback, 200, body);
  }

  private boolean secrets(Response response, Callback callback) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (SecretsView.SecretInfo s : secretsView.secrets()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("provider", s.provider());
      m.put("version", s.version());
      m.put("fetched_at", s.fetchedAt().toString());
      m.put("keys", s.keys());
      list.add(m);
    }
    return Responses.json(response, callback, 200, Map.of("secrets", list));
  }
}
