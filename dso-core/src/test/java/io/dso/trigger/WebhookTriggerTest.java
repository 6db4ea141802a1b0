package io.dso.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.cache.MutableClock;
import io.dso.cache.SecretCache;
import io.dso.cache.SecretSync;
import io.dso.config.AgentSettings;
import io.dso.config.Defaults;
import io.dso.config.DsoConfig;
import io.dso.config.InjectSpec;
import io.dso.config.ProviderSpec;
import io.dso.config.ReloadStrategy;
import io.dso.config.RetrySettings;
import io.dso.config.RotationSettings;
import io.dso.config.SecretSpec;
import io.dso.config.Targets;
import io.dso.config.WatchMode;
import io.dso.config.WatchSettings;
import io.dso.config.WebhookSettings;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.MetricsText;
import io.dso.observability.Redactor;
import io.dso.provider.ProviderCatalog;
import io.dso.provider.ProviderRegistry;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookTriggerTest {
  private static final String TOKEN = "CANARY-token-4b8e2d";
  private static final String BEARER = "Bearer " + TOKEN;
  private static final String OK_BODY =
      "{\"provider\":\"dev\",\"secret_name\":\"myapp/db\",\"event_type\":\"updated\",\"timestamp\":\"2026-04-01T10:30:00Z\"}";

  @TempDir Path dir;

  private final MutableClock clock = MutableClock.at("2026-04-01T10:00:00Z");
  private final AtomicLong nanos = new AtomicLong();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Map<String, Object>> audit = new CopyOnWriteArrayList<>();
  private ProviderRegistry registry;
  private DsoMetrics metrics;

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
    executor.shutdownNow();
  }

  private WebhookTrigger trigger(WatchMode mode, WebhookSettings webhook) throws Exception {
    Files.writeString(dir.resolve("secrets.json"), "{\"myapp/db\": {\"DB_PASSWORD\": \"s3cret-value\"}}");
    ProviderSpec provider = new ProviderSpec("dev", "local", Map.of("path", "secrets.json"),
        new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ofSeconds(1), 1);
    SecretSpec spec = new SecretSpec("myapp/db", "dev", InjectSpec.ENV, true, "auto", new ReloadStrategy("none", null),
        new Targets(List.of(), Map.of()), Map.of(), 1);
    DsoConfig config = new DsoConfig(dir.resolve("dso.yaml"), Map.of("dev", provider),
        new AgentSettings(true, Duration.ofMinutes(5), new WatchSettings(mode, Duration.ofSeconds(30)), webhook,
            RotationSettings.DEFAULT, Duration.ofSeconds(10)),
        new Defaults(InjectSpec.ENV, false, "auto"), List.of(spec));
    registry = ProviderRegistry.open(config, ProviderCatalog.discover(null), Map.of(), clock, executor, d -> {});
    SecretCache cache = new SecretCache(true);
    metrics = new DsoMetrics(clock, clock.instant(), "test", cache::activeCount);
    metrics.registerProviders(registry.names());
    Redactor redactor = new Redactor();
    AuditLog log = AuditLog.toStream(OutputStream.nullOutputStream(), clock, redactor);
    log.subscribe(audit::add);
    SecretSync sync = new SecretSync(config, registry, cache, metrics, log, redactor, clock);
    // Fetches run inline so that the test sees them without waiting.
    return new WebhookTrigger(config, sync, new FetchLimiter(), log, metrics, Runnable::run, nanos::get);
  }

  private WebhookTrigger enabled() throws Exception {
    return trigger(WatchMode.HYBRID, new WebhookSettings(true, TOKEN));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private long fetches() {
    return audit.stream().filter(r -> r.get("event").equals("secret_fetch")).count();
  }

  private List<Map<String, Object>> received() {
    return audit.stream().filter(r -> r.get("event").equals("webhook_received")).toList();
  }

  private double counted(int status) {
    return MetricsText.value(metrics, "dso_webhook_requests_total{status=\"" + status + "\"}").orElseThrow();
  }

  @Test
  void validRequestIsAcceptedAndFetchesTheSecretAsWebhook() throws Exception {
    WebhookTrigger t = enabled();
    WebhookTrigger.Outcome o = t.handle(BEARER, bytes(OK_BODY), "127.0.0.1");

    assertThat(o.status()).isEqualTo(202);
    assertThat(o.body()).isEqualTo(Map.of("accepted", true));
    assertThat(fetches()).isEqualTo(1);
    Map<String, Object> fetch = audit.stream().filter(r -> r.get("event").equals("secret_fetch")).findFirst().orElseThrow();
    assertThat(fetch.get("user")).isEqualTo("webhook");
    Map<String, Object> r = received().getFirst();
    assertThat(r).containsEntry("user", "webhook").containsEntry("provider", "dev").containsEntry("secret_name", "myapp/db")
        .containsEntry("status", "success").containsEntry("http_status", 202);
    assertThat(counted(202)).isEqualTo(1.0);
  }

  @Test
  void sameProviderNameAndTimestampIsADuplicateWithoutAFetch() throws Exception {
    WebhookTrigger t = enabled();
    t.handle(BEARER, bytes(OK_BODY), "127.0.0.1");
    // The same instant written with another offset is the same event.
    WebhookTrigger.Outcome dup = t.handle(BEARER, bytes(OK_BODY.replace("10:30:00Z", "12:30:00+02:00")), "127.0.0.1");

    assertThat(dup.status()).isEqualTo(202);
    assertThat(dup.body()).containsEntry("duplicate", true);
    assertThat(fetches()).isEqualTo(1);

    WebhookTrigger.Outcome later = t.handle(BEARER, bytes(OK_BODY.replace("10:30:00Z", "10:31:00Z")), "127.0.0.1");
    assertThat(later.body()).doesNotContainKey("duplicate");
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void wrongOrMissingTokensOfAnyLengthAre401() throws Exception {
    WebhookTrigger t = enabled();
    List<String> wrong = new java.util.ArrayList<>(List.of("", "Bearer", "Bearer ", "Bearer x", "Basic " + TOKEN,
        "Bearer " + TOKEN.substring(0, TOKEN.length() - 1), "Bearer " + TOKEN + "x", "Bearer " + "A".repeat(5000),
        TOKEN));
    wrong.add(null);
    for (String header : wrong) {
      assertThat(t.handle(header, bytes(OK_BODY), "127.0.0.1").status()).as(String.valueOf(header).length() + " chars").isEqualTo(401);
    }
    assertThat(fetches()).isZero();
    assertThat(received()).hasSize(wrong.size()).allSatisfy(r -> assertThat(r)
        .containsEntry("status", "failed").containsEntry("http_status", 401).containsEntry("secret_name", null));
    assertThat(audit.toString()).doesNotContain(TOKEN);
  }

  @Test
  void tokenComparisonHashesBothSidesSoLengthDoesNotMatter() {
    byte[] expected = WebhookTrigger.sha256(TOKEN);
    assertThat(expected).hasSize(32);
    assertThat(WebhookTrigger.authorized(BEARER, expected)).isTrue();
    // Digests of any input have the same length, so MessageDigest.isEqual always compares 32 bytes.
    assertThat(WebhookTrigger.sha256("x")).hasSize(32);
    assertThat(WebhookTrigger.sha256("x".repeat(100_000))).hasSize(32);
    assertThat(WebhookTrigger.authorized("Bearer x", expected)).isFalse();
    assertThat(WebhookTrigger.authorized(BEARER, null)).as("no token configured").isFalse();
  }

  @Test
  void malformedBodiesAre400NamingTheFieldButNeverEchoingContent() throws Exception {
    WebhookTrigger t = enabled();
    Map<String, String> cases = Map.of(
        "{not json CANARY-body", "body is not valid JSON",
        "[1,2]", "body must be a JSON object",
        "{\"provider\":\"dev\",\"event_type\":\"u\",\"timestamp\":\"2026-04-01T10:30:00Z\"}", "missing field 'secret_name'",
        "{\"provider\":7,\"secret_name\":\"myapp/db\",\"event_type\":\"u\",\"timestamp\":\"2026-04-01T10:30:00Z\"}", "field 'provider' must be",
        "{\"provider\":\"dev\",\"secret_name\":\"myapp/db\",\"event_type\":\"u\",\"timestamp\":\"CANARY-body\"}", "field 'timestamp' must be an ISO-8601",
        "{\"provider\":\"dev\",\"secret_name\":\"myapp/db\",\"timestamp\":\"2026-04-01T10:30:00Z\"}", "missing field 'event_type'",
        OK_BODY + " {}", "body is not valid JSON");
    for (var c : cases.entrySet()) {
      WebhookTrigger.Outcome o = t.handle(BEARER, bytes(c.getKey()), "127.0.0.1");
      assertThat(o.status()).as(c.getKey()).isEqualTo(400);
      assertThat((String) o.body().get("error")).as(c.getKey()).contains(c.getValue()).doesNotContain("CANARY");
    }
    assertThat(fetches()).isZero();
    assertThat(audit.toString()).doesNotContain("CANARY-body");
    assertThat(counted(400)).isEqualTo(cases.size());
  }

  @Test
  void unknownSecretOrOtherProviderIs404() throws Exception {
    WebhookTrigger t = enabled();
    assertThat(t.handle(BEARER, bytes(OK_BODY.replace("myapp/db", "other")), "127.0.0.1").status()).isEqualTo(404);
    assertThat(t.handle(BEARER, bytes(OK_BODY.replace("\"dev\"", "\"aws\"")), "127.0.0.1").status()).isEqualTo(404);
    assertThat(fetches()).isZero();
    assertThat(received()).allSatisfy(r -> assertThat(r).containsEntry("http_status", 404));
  }

  @Test
  void bodyOver64KiBIs413AndNotAudited() throws Exception {
    WebhookTrigger t = enabled();
    byte[] big = new byte[WebhookTrigger.MAX_BODY + 1];

    assertThat(t.handle(BEARER, big, "127.0.0.1").status()).isEqualTo(413);
    assertThat(t.handle(BEARER, new byte[WebhookTrigger.MAX_BODY], "127.0.0.1").status()).as("exactly 64 KiB is read").isEqualTo(400);
    assertThat(received()).hasSize(1);
    assertThat(counted(413)).isEqualTo(1.0);
  }

  @Test
  void onlyTheExactBearerFormIsAccepted() {
    byte[] expected = WebhookTrigger.sha256(TOKEN);
    assertThat(WebhookTrigger.authorized("Bearer " + TOKEN, expected)).isTrue();
    for (String header : List.of("bearer " + TOKEN, "BEARER " + TOKEN, "Bearer  " + TOKEN, "Bearer " + TOKEN + " ",
        "Bearer " + TOKEN + "\t", " Bearer " + TOKEN, "Bearer\t" + TOKEN, "Bearer " + TOKEN + "\n", "Bearer:" + TOKEN)) {
      assertThat(WebhookTrigger.authorized(header, expected)).as(header.replace("\t", "<tab>").replace("\n", "<nl>")).isFalse();
    }
  }

  @Test
  void burstOfGoodCallsBeyondFortyIs429WithRetryAfterAndNotAudited() throws Exception {
    WebhookTrigger t = enabled();
    for (int n = 0; n < WebhookTrigger.BURST; n++) {
      assertThat(t.handle(BEARER, bytes(OK_BODY), "127.0.0.1").status()).isEqualTo(202);
    }
    WebhookTrigger.Outcome limited = t.handle(BEARER, bytes(OK_BODY), "127.0.0.1");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.retryAfterSeconds()).isEqualTo(1);
    assertThat(received()).hasSize(WebhookTrigger.BURST);
    assertThat(counted(429)).isEqualTo(1.0);

    nanos.addAndGet(Duration.ofMillis(50).toNanos());
    assertThat(t.handle(BEARER, bytes(OK_BODY), "127.0.0.1").status()).as("one token per 50 ms at 20/s").isEqualTo(202);
  }

  @Test
  void floodOfBadTokensIsLimitedOnItsOwnAndNeverStarvesTheTokenHolder() throws Exception {
    WebhookTrigger t = enabled();
    int refused = 0;
    int limited = 0;
    // 2,000 bad requests within one (stepped) second, with a good call after every 100 of them.
    for (int n = 1; n <= 2_000; n++) {
      nanos.addAndGet(Duration.ofMillis(1).toNanos() / 2);
      int status = t.handle(n % 2 == 0 ? "Bearer wrong-" + n : null, bytes(OK_BODY), "127.0.0.1").status();
      if (status == 401) {
        refused++;
      } else {
        assertThat(status).isEqualTo(429);
        limited++;
      }
      if (n % 100 == 0) {
        String body = OK_BODY.replace("10:30:00Z", "10:30:" + String.format("%02d", n / 100) + "Z");
        assertThat(t.handle(BEARER, bytes(body), "127.0.0.1").status()).as("good call after " + n + " bad ones").isEqualTo(202);
      }
    }
    // burst 20 plus 10/s over the one second that passed
    assertThat(refused).isBetween(WebhookTrigger.REFUSED_BURST, WebhookTrigger.REFUSED_BURST + WebhookTrigger.REFUSED_PER_SECOND + 1);
    assertThat(limited).isEqualTo(2_000 - refused);
    assertThat(received().stream().filter(r -> r.get("http_status").equals(401)).count()).as("429s are not audited").isEqualTo(refused);
    assertThat(fetches()).isEqualTo(20);
  }

  @Test
  void timestampsOutsideTheYears2000To9999Are400() throws Exception {
    WebhookTrigger t = enabled();
    for (String ts : List.of("1999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "2000-01-01T00:30:00+01:00",
        "-0001-01-01T00:00:00Z")) {
      WebhookTrigger.Outcome o = t.handle(BEARER, bytes(OK_BODY.replace("2026-04-01T10:30:00Z", ts)), "127.0.0.1");
      assertThat(o.status()).as(ts).isEqualTo(400);
      assertThat((String) o.body().get("error")).as(ts).isEqualTo(
          "field 'timestamp' must lie in the years 2000 to 9999 (UTC), e.g. 2026-04-01T10:30:00Z");
    }
    for (String ts : List.of("2000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2026-04-01T12:30:00+02:00")) {
      assertThat(t.handle(BEARER, bytes(OK_BODY.replace("2026-04-01T10:30:00Z", ts)), "127.0.0.1").status()).as(ts).isEqualTo(202);
    }
  }

  @Test
  void eventReadsNeedTheExactTokenAndShareTheLimitOfRefusedCalls() throws Exception {
    assertThat(trigger(WatchMode.POLLING, WebhookSettings.DEFAULT).eventsAccess(null)).as("no token set").isEqualTo(200);
    WebhookTrigger t = enabled();
    assertThat(t.eventsAccess(BEARER)).isEqualTo(200);
    for (int n = 0; n < WebhookTrigger.REFUSED_BURST - 1; n++) {
      assertThat(t.eventsAccess("bearer " + TOKEN)).isEqualTo(401);
    }
    assertThat(t.handle("Bearer wrong", bytes(OK_BODY), "127.0.0.1").status()).isEqualTo(401);
    assertThat(t.eventsAccess(null)).as("webhook and event refusals draw from one budget").isEqualTo(429);
    assertThat(t.handle("Bearer wrong", bytes(OK_BODY), "127.0.0.1").status()).isEqualTo(429);
    assertThat(t.eventsAccess(BEARER)).as("the token holder is never limited here").isEqualTo(200);
  }

  @Test
  void disabledWebhookRefusalsAreLimitedLikeBadTokens() throws Exception {
    WebhookTrigger off = trigger(WatchMode.HYBRID, WebhookSettings.DEFAULT);
    for (int n = 0; n < WebhookTrigger.REFUSED_BURST; n++) {
      assertThat(off.handle(BEARER, bytes(OK_BODY), "127.0.0.1").status()).isEqualTo(403);
    }
    assertThat(off.handle(BEARER, bytes(OK_BODY), "127.0.0.1").status()).isEqualTo(429);
    assertThat(received()).hasSize(WebhookTrigger.REFUSED_BURST);
  }

  @Test
  void disabledWebhookOrPollingModeIs403WithTheReason() throws Exception {
    WebhookTrigger off = trigger(WatchMode.HYBRID, WebhookSettings.DEFAULT);
    WebhookTrigger.Outcome o = off.handle(BEARER, bytes(OK_BODY), "127.0.0.1");
    assertThat(o.status()).isEqualTo(403);
    assertThat((String) o.body().get("error")).contains("agent.webhook.enabled: true");

    WebhookTrigger polling = trigger(WatchMode.POLLING, new WebhookSettings(true, TOKEN));
    WebhookTrigger.Outcome p = polling.handle(BEARER, bytes(OK_BODY), "127.0.0.1");
    assertThat(p.status()).isEqualTo(403);
    assertThat((String) p.body().get("error")).contains("not served in watch.mode polling");
    assertThat(fetches()).isZero();
  }

  @Test
  void everyStatusSeriesExistsFromStart() throws Exception {
    enabled();
    for (String status : DsoMetrics.WEBHOOK_STATUSES) {
      assertThat(counted(Integer.parseInt(status))).isZero();
    }
  }
}
