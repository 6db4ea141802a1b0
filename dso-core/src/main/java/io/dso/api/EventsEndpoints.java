package io.dso.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.trigger.WebhookTrigger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/events/secret-update} (the webhook), {@code GET /api/events} (recent audit
 * records) and {@code GET /api/events/stream} (server-sent events). When a webhook token is
 * configured, reading events needs it too: audit records name secrets, containers and callers.
 * These block (body reads, long-lived streams), so they run on the agent's virtual threads, never
 * on Jetty's selector.
 */
final class EventsEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration KEEPALIVE = Duration.ofSeconds(15);

  private final WebhookSink webhook;
  private final EventFeed feed;

  EventsEndpoints(WebhookSink webhook, EventFeed feed) {
    this.webhook = webhook;
    this.feed = feed;
  }

  boolean secretUpdate(Request request, Response response, Callback callback) throws IOException {
    long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    byte[] body;
    if (declared > WebhookTrigger.MAX_BODY) {
      body = null; // refuse without reading a byte of it
    } else {
      try (InputStream in = Request.asInputStream(request)) {
        // One byte past the limit tells "too large" apart without buffering more.
        body = in.readNBytes(WebhookTrigger.MAX_BODY + 1);
      }
    }
    WebhookTrigger.Outcome o = body == null || body.length > WebhookTrigger.MAX_BODY
        ? webhook.tooLarge()
        : webhook.handle(request.getHeaders().get(HttpHeader.AUTHORIZATION), body, Request.getRemoteAddr(request));
    if (o.retryAfterSeconds() > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, o.retryAfterSeconds());
    }
    if (o.status() == 413) {
      // the unread rest of the body is not worth reading: close the connection after answering
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    return Responses.json(response, callback, o.status(), o.body());
  }

  /** Answers 401 or 429 and returns true when the caller may not read events. */
  private boolean refused(Request request, Response response, Callback callback) {
    int status = webhook.eventsAccess(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    if (status == 200) {
      return false;
    }
    if (status == 429) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, 1);
      Responses.error(response, callback, 429, "too many requests with a wrong token; retry after 1 s");
      return true;
    }
    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
    Responses.error(response, callback, 401,
        "reading events needs the webhook token while one is set; send exactly Authorization: Bearer <agent.webhook.auth_token>");
    return true;
  }

  boolean recent(Request request, Response response, Callback callback, boolean socketPeer) {
    if (!socketPeer && refused(request, response, callback)) {
      return true;
    }
    String limitText = Request.extractQueryParameters(request).getValue("limit");
    int limit = EventFeed.RECENT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > EventFeed.RECENT) {
        return Responses.error(response, callback, 400, "limit must be a number from 1 to " + EventFeed.RECENT);
      }
    }
    return Responses.json(response, callback, 200, Map.of("events", feed.recent(limit)));
  }

  /** {@code socketPeer}: authorised by its unix-socket credentials, so no token is asked for. */
  boolean stream(Request request, Response response, Callback callback, boolean socketPeer) {
    if (!socketPeer && refused(request, response, callback)) {
      return true;
    }
    EventFeed.Subscription sub = feed.subscribe();
    if (sub == null) {
      return Responses.error(response, callback, 503,
          "too many event streams open (at most " + EventFeed.MAX_STREAMS + "); close one and retry");
    }
    request.addFailureListener(failure -> sub.end());
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    try (sub) {
      write(response, ": connected\n\n");
      while (true) {
        Map<String, Object> record = sub.next(KEEPALIVE);
        if (record == EventFeed.END) {
          break;
        }
        write(response, record == null ? ": keepalive\n\n" : "data: " + json(record) + "\n\n");
      }
      response.write(true, ByteBuffer.allocate(0), callback);
    } catch (IOException e) {
      LOG.debug("event stream client went away: {}", e.getMessage());
      callback.failed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    }
    return true;
  }

  private static void write(Response response, String text) throws IOException {
    // A blocking write: fine here, the handler runs on a virtual thread.
    Content.Sink.write(response, false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String json(Map<String, Object> record) throws IOException {
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IOException("audit record could not be encoded", e);
    }
  }
}
