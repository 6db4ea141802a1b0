package io.dso.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.cache.MutableClock;
import io.dso.config.NotificationDestination;
import io.dso.observability.Redactor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Payload shapes, and no value in any payload even when an audit record carries one by mistake. */
class PayloadsTest {
  private static final String CANARY = "CANARY-payl0ad-51c3";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Redactor redactor = new Redactor();
  private final Payloads payloads = new Payloads(redactor);
  private final Notification rotated = new Notification("rotation_success", "app/db", "c0ffee123456", "files", "rolling",
      "success", null, "2026-01-01T00:00:00Z", "host-1", "v1:abcdef");

  @Test
  void genericPayloadHasEveryFieldInAFixedOrder() throws Exception {
    JsonNode body = JSON.readTree(payloads.body(NotificationDestination.Type.WEBHOOK, rotated));
    assertThat(body.fieldNames()).toIterable()
        .containsExactly("event", "secret", "container", "provider", "strategy", "status", "error", "time", "host", "version");
    assertThat(body.get("event").asText()).isEqualTo("rotation_success");
    assertThat(body.get("version").asText()).isEqualTo("v1:abcdef");
    assertThat(body.get("error").isNull()).isTrue();
  }

  @Test
  void slackPayloadIsOneReadableLine() throws Exception {
    JsonNode body = JSON.readTree(payloads.body(NotificationDestination.Type.SLACK, rotated));
    assertThat(body.fieldNames()).toIterable().containsExactly("text");
    assertThat(body.get("text").asText()).isEqualTo(
        "[dso@host-1] rotated secret 'app/db' in container c0ffee123456 (strategy rolling, provider files, version v1:abcdef)");
    Notification failed = new Notification("rotation_failure", "app/db", "c0ffee123456", "files", "rolling", "failed",
        "health check failed\nsecond line", "t", "host-1", null);
    String text = JSON.readTree(payloads.body(NotificationDestination.Type.SLACK, failed)).get("text").asText();
    assertThat(text).doesNotContain("\n").startsWith("[dso@host-1] rotation of secret 'app/db' FAILED in container");
  }

  @Test
  void theTestMessageSaysWhereItComesFrom() throws Exception {
    Notification test = new Notification("test", null, null, null, null, "test", null, "t", "host-1", null);
    assertThat(JSON.readTree(payloads.body(NotificationDestination.Type.SLACK, test)).get("text").asText())
        .isEqualTo("[dso@host-1] test notification sent by 'dso notifications test': this destination works");
    JsonNode generic = JSON.readTree(payloads.body(NotificationDestination.Type.WEBHOOK, test));
    assertThat(generic.get("event").asText()).isEqualTo("test");
    assertThat(generic.get("error").isNull()).isTrue();
  }

  @Test
  void noValueReachesAPayloadFromCanaryBearingAuditRecords() {
    redactor.remember("app/db", List.of(CANARY));
    NotificationRules rules = new NotificationRules(MutableClock.at("2026-01-01T00:00:00Z"), Duration.ZERO, "h");
    // Records as a careless component might write them: the value in the error, and in fields no rule reads.
    List<Map<String, Object>> records = List.of(
        NotificationRulesTest.record("secret_rotate", "failed", "error", "bad value " + CANARY, "value", CANARY),
        NotificationRulesTest.record("rotation_rollback", "failed", "error", CANARY, "data", Map.of("K", CANARY)),
        NotificationRulesTest.record("secret_fetch", "failed", "outcome", "unavailable", "error", "got " + CANARY),
        NotificationRulesTest.record("secret_rotate", "success", "strategy", "rolling", "env", "PASSWORD=" + CANARY));
    int bodies = 0;
    for (Map<String, Object> r : records) {
      for (Notification n : rules.on(r)) {
        for (NotificationDestination.Type t : NotificationDestination.Type.values()) {
          String body = new String(payloads.body(t, n), StandardCharsets.UTF_8);
          assertThat(body).doesNotContain(CANARY).doesNotContain("payl0ad");
          bodies++;
        }
      }
    }
    assertThat(bodies).isEqualTo(8);
  }
}
