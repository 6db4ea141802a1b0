package io.dso.provider.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.dso.provider.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The Vault HTTP API as JSON in, JSON out: adds the token and namespace headers and turns transport
 * failures into retryable provider errors. Responses are returned whatever their status; callers map
 * statuses to outcomes because only they know which policy path to name.
 */
final class VaultHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** A Vault answer: the status and the parsed body (a missing node when empty or not JSON). */
  record Response(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** Vault's {@code errors} array joined; these are Vault's own messages, never secret data. */
    String errors() {
      List<String> out = new ArrayList<>();
      body.path("errors").forEach(e -> out.add(e.asText()));
      String joined = String.join("; ", out);
      return joined.length() > 300 ? joined.substring(0, 300) + "..." : joined;
    }
  }

  private final String provider;
  private final URI address;
  private final String namespace;
  private final HttpClient client;

  VaultHttp(String provider, URI address, String namespace, SSLContext tls) {
    this.provider = provider;
    this.address = address;
    this.namespace = namespace;
    HttpClient.Builder b = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        // Vault speaks HTTP/2 only over TLS (ALPN); on plain http the h2c upgrade attempt is wasted.
        .version(address.getScheme().equals("https") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    if (tls != null) {
      b.sslContext(tls);
    }
    this.client = b.build();
  }

  /** {@code path} starts after {@code /v1/}; {@code body} null for GET. */
  Response send(String method, String path, String token, JsonNode body, String secret) {
    HttpRequest.Builder req = HttpRequest.newBuilder(address.resolve("/v1/" + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json");
    if (token != null) {
      req.header("X-Vault-Token", token);
    }
    if (namespace != null) {
      req.header("X-Vault-Namespace", namespace);
    }
    if (body == null) {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      req.header("Content-Type", "application/json");
      req.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    try {
      HttpResponse<String> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(resp.statusCode(), parse(resp.body()));
    } catch (HttpTimeoutException e) {
      throw new ProviderException(provider, secret, true,
          "Vault at " + address + " did not answer " + method + " /v1/" + pathOnly(path) + " within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      throw new ProviderException(provider, secret, true,
          "cannot reach Vault at " + address + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "); check 'address', the network and, for https, 'ca_cert'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(provider, secret, true, "interrupted while calling Vault at " + address, e);
    }
  }

  URI address() {
    return address;
  }

  void close() {
    client.shutdownNow();
  }

  private static String pathOnly(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      // A proxy's HTML error page: the status still tells what happened.
      return MissingNode.getInstance();
    }
  }
}
