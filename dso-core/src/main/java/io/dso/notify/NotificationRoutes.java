package io.dso.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.api.ApiException;
import io.dso.api.SocketRoute;
import java.util.List;
import java.util.Map;

/** The socket route {@code POST /api/notifications/test {"destination"?: NAME}} -> {@code {"results": [...]}}. */
public final class NotificationRoutes {
  public static final String TEST = "POST /api/notifications/test";

  private NotificationRoutes() {}

  public static Map<String, SocketRoute> of(Notifier notifier) {
    return Map.of(TEST, (user, body) -> test(notifier, body));
  }

  private static Object test(Notifier notifier, JsonNode body) {
    JsonNode d = body == null ? null : body.get("destination");
    if (d != null && !d.isNull() && !d.isTextual()) {
      throw new ApiException(400, "\"destination\" must be a destination name (a string); omit it to test every destination");
    }
    try {
      List<NotificationTester.Result> results = notifier.test(d == null || d.isNull() ? null : d.asText());
      return Map.of("results", results);
    } catch (UnknownDestinationException e) {
      throw new ApiException(404, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "the agent is stopping; try again once it runs");
    }
  }
}
