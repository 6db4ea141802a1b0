package io.dso.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.cache.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code metrics.per_secret}: two series per secret (three when leased), or none with the same metric names. */
class PerSecretSeriesTest {
  private final MutableClock clock = MutableClock.at("2026-04-01T10:00:00Z");
  private final AtomicInteger active = new AtomicInteger();

  private DsoMetrics metrics(boolean perSecret) {
    DsoMetrics m = new DsoMetrics(clock, clock.instant(), "test", active::get, perSecret);
    m.registerProviders(java.util.List.of("dev"));
    for (int i = 0; i < 50; i++) {
      String secret = "app/s" + i;
      m.lastSuccess("dev", secret, Instant.parse("2026-04-01T10:00:00Z").plusSeconds(i));
      m.pollInterval(secret, Duration.ofSeconds(30 + i));
    }
    m.leaseExpiry("app/s0", Instant.parse("2026-04-01T11:00:00Z"));
    m.leaseExpiry("app/s1", Instant.parse("2026-04-01T10:30:00Z"));
    return m;
  }

  private static long seriesWithSecretLabel(String text) {
    return text.lines().filter(l -> !l.startsWith("#") && l.contains("secret=\"")).count();
  }

  @Test
  void perSecretSeriesAreTwoPerSecretPlusOnePerLease() {
    String text = MetricsText.scrape(metrics(true));

    assertThat(seriesWithSecretLabel(text)).isEqualTo(50 * 2 + 2);
  }

  @Test
  void withoutPerSecretSeriesTheExpositionHasNoSecretLabelAndKeepsTheNames() {
    DsoMetrics m = metrics(false);
    String text = MetricsText.scrape(m);

    assertThat(seriesWithSecretLabel(text)).isZero();
    assertThat(text).doesNotContain("app/s");
    // oldest last success of the provider, longest poll interval, earliest lease expiry
    assertThat(MetricsText.require(m, "dso_secret_last_success_timestamp_seconds{provider=\"dev\"}"))
        .isEqualTo(Instant.parse("2026-04-01T10:00:00Z").getEpochSecond());
    assertThat(MetricsText.require(m, "dso_poll_interval_seconds")).isEqualTo(79.0);
    assertThat(MetricsText.require(m, "dso_secret_lease_expiry_timestamp_seconds"))
        .isEqualTo(Instant.parse("2026-04-01T10:30:00Z").getEpochSecond());
  }

  @Test
  void withoutPerSecretSeriesAForgottenSecretNoLongerCounts() {
    DsoMetrics m = metrics(false);
    m.forgetSecret("dev", "app/s0");
    m.leaseExpiry("app/s1", null);

    assertThat(MetricsText.require(m, "dso_secret_last_success_timestamp_seconds{provider=\"dev\"}"))
        .isEqualTo(Instant.parse("2026-04-01T10:00:01Z").getEpochSecond());
    assertThat(MetricsText.require(m, "dso_secret_lease_expiry_timestamp_seconds"))
        .isEqualTo(Instant.parse("2026-04-01T11:00:00Z").getEpochSecond());
  }
}
