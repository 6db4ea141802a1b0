package io.dso.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.api.ApiException;
import io.dso.api.SocketRoute;
import io.dso.cache.MutableClock;
import io.dso.config.NotificationDestination;
import io.dso.config.NotificationSettings;
import io.dso.observability.Redactor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The audit subscriber routes each notification to the destinations that asked for it; the socket route tests them. */
class NotifierTest {
  private static NotificationDestination dest(String name, NotificationDestination.Type type, Set<String> events) {
    return new NotificationDestination(name, type, URI.create("http://127.0.0.1:9/" + name), events, Map.of(), Duration.ofSeconds(1));
  }

  private final List<String> posted = new CopyOnWriteArrayList<>();
  private final HttpPoster poster = (url, headers, body, timeout) -> {
    posted.add(url.getPath() + " " + new String(body, StandardCharsets.UTF_8));
    return new HttpPoster.Reply(url.getPath().equals("/down") ? 503 : 200, Optional.empty());
  };

  private Notifier notifier(NotificationDestination... destinations) {
    return new Notifier(new NotificationSettings(List.of(destinations), Duration.ofMinutes(5), NotificationSettings.DEFAULT_RETRY),
        new Redactor(), MutableClock.at("2026-01-01T00:00:00Z"), poster, d -> {}, new SplittableRandom(1), "h");
  }

  @Test
  void eachDestinationGetsOnlyTheEventsItAskedForInItsShape() throws Exception {
    try (Notifier n = notifier(
        dest("all", NotificationDestination.Type.WEBHOOK, Set.copyOf(NotificationDestination.EVENTS)),
        dest("fails", NotificationDestination.Type.SLACK, Set.of("rotation_failure")))) {
      n.accept(NotificationRulesTest.record("secret_rotate", "success", "strategy", "rolling"));
      n.accept(NotificationRulesTest.record("secret_rotate", "failed", "strategy", "rolling", "error", "unhealthy"));
      n.accept(NotificationRulesTest.record("secret_inject", "success"));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (posted.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(100);
      assertThat(posted).hasSize(3);
      assertThat(posted).filteredOn(p -> p.startsWith("/all ")).hasSize(2);
      assertThat(posted).filteredOn(p -> p.startsWith("/fails ")).singleElement().asString()
          .startsWith("/fails {\"text\":\"[dso@h] rotation of secret 'app/db' FAILED");
    }
  }

  @Test
  void theSocketRouteTestsOneOrAllDestinationsAndRefusesUnknownNames() throws Exception {
    try (Notifier n = notifier(dest("up", NotificationDestination.Type.WEBHOOK, Set.of("rotation_success")),
        dest("down", NotificationDestination.Type.SLACK, Set.of("rotation_success")))) {
      SocketRoute route = NotificationRoutes.of(n).get("POST /api/notifications/test");
      ObjectMapper json = new ObjectMapper();
      Object all = route.handle("alice", json.createObjectNode());
      String text = json.writeValueAsString(all);
      assertThat(json.readTree(text).path("results")).hasSize(2);
      assertThat(json.readTree(text).path("results").get(1).path("status").asInt()).isEqualTo(503);
      Object one = route.handle("alice", json.readTree("{\"destination\":\"up\"}"));
      assertThat(json.readTree(json.writeValueAsString(one)).path("results")).singleElement()
          .satisfies(r -> assertThat(r.path("ok").asBoolean()).isTrue());
      ApiException e = catchThrowableOfType(ApiException.class, () -> route.handle("alice", json.readTree("{\"destination\":\"x\"}")));
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.getMessage()).isEqualTo("no notification destination named 'x'; configured: up, down");
      assertThat(catchThrowableOfType(ApiException.class, () -> route.handle("alice", json.readTree("{\"destination\":1}"))).status())
          .isEqualTo(400);
    }
  }

  @Test
  void noDestinationsMeansATestIsRefusedWithWhatToAdd() {
    try (Notifier n = notifier()) {
      n.accept(NotificationRulesTest.record("secret_rotate", "success"));
      ApiException e = catchThrowableOfType(ApiException.class,
          () -> NotificationRoutes.of(n).get(NotificationRoutes.TEST).handle("u", new ObjectMapper().createObjectNode()));
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.getMessage()).contains("add notifications.destinations");
      assertThat(posted).isEmpty();
    }
  }
}
