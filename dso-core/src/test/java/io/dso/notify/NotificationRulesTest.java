package io.dso.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.cache.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which audit records become notifications, and the one-per-outage rule. */
class NotificationRulesTest {
  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final NotificationRules rules = new NotificationRules(clock, Duration.ofSeconds(2), "host-1");

  static Map<String, Object> record(String event, String status, Object... extras) {
    Map<String, Object> m = new HashMap<>();
    m.put("timestamp", "2026-01-01T00:00:00Z");
    m.put("event", event);
    m.put("provider", "files");
    m.put("secret_name", "app/db");
    m.put("status", status);
    for (int i = 0; i < extras.length; i += 2) {
      m.put((String) extras[i], extras[i + 1]);
    }
    return m;
  }

  @Test
  void rotationRecordsMapToSuccessFailureAndRollbackWithTheLastSeenVersion() {
    rules.on(record("secret_fetch", "success", "version", "v1:abc"));
    rules.on(record("secret_change_detected", "success", "version", "v1:def"));
    Notification ok = rules.on(record("secret_rotate", "success", "container_id", "c0ffee", "strategy", "rolling")).getFirst();
    assertThat(ok).isEqualTo(new Notification("rotation_success", "app/db", "c0ffee", "files", "rolling", "success", null,
        "2026-01-01T00:00:00Z", "host-1", "v1:def"));
    assertThat(rules.on(record("secret_rotate", "failed", "error", "unhealthy")).getFirst().event()).isEqualTo("rotation_failure");
    assertThat(rules.on(record("rotation_rollback", "success")).getFirst().event()).isEqualTo("rotation_rollback");
    assertThat(rules.on(record("secret_inject", "success"))).isEmpty();
    assertThat(rules.on(record("strategy_decision", "success"))).isEmpty();
  }

  @Test
  void aProviderFailingLongerThanTheThresholdIsNotifiedOnceThenRecovered() {
    assertThat(rules.on(record("secret_fetch", "failed", "outcome", "unavailable", "error", "gone"))).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(rules.on(record("secret_fetch", "failed", "outcome", "unavailable"))).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    List<Notification> outage = rules.on(record("secret_fetch", "failed", "outcome", "rejected", "error", "file missing"));
    assertThat(outage).singleElement().satisfies(n -> {
      assertThat(n.event()).isEqualTo("provider_outage");
      assertThat(n.provider()).isEqualTo("files");
      assertThat(n.error()).isEqualTo("file missing");
      assertThat(n.time()).isEqualTo("2026-01-01T00:00:00Z"); // since when it fails
    });
    clock.advance(Duration.ofSeconds(10));
    assertThat(rules.on(record("secret_fetch", "failed", "outcome", "unavailable"))).isEmpty();
    assertThat(rules.on(record("secret_fetch", "success", "version", "v1:1"))).singleElement()
        .satisfies(n -> assertThat(n.event()).isEqualTo("provider_recovered"));
    assertThat(rules.on(record("secret_fetch", "success", "version", "v1:1"))).isEmpty();
  }

  @Test
  void aShortFailureOrNotFoundIsNoOutage() {
    rules.on(record("secret_fetch", "failed", "outcome", "unavailable"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(rules.on(record("secret_fetch", "success"))).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    assertThat(rules.on(record("secret_fetch", "failed", "outcome", "unavailable"))).isEmpty();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(5));
      assertThat(rules.on(record("secret_fetch", "failed", "outcome", "not_found", "provider", "other"))).isEmpty();
    }
  }
}
