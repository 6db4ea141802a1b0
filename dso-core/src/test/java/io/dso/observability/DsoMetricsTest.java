package io.dso.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.cache.MutableClock;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DsoMetricsTest {
  private final MutableClock clock = MutableClock.at("2026-04-01T10:00:00Z");
  private final AtomicInteger active = new AtomicInteger();
  private final DsoMetrics metrics = new DsoMetrics(clock, clock.instant(), "1.2.3-test", active::get);

  private double value(String series) {
    return MetricsText.require(metrics, series);
  }

  @Test
  void coreMetricsHaveTheirExactNamesAndTypes() {
    // A labelled metric is only exposed once it has a series; the agent registers its providers at start.
    metrics.registerProviders(List.of("local"));
    String text = MetricsText.scrape(metrics);

    assertThat(text)
        .contains("# TYPE dso_secret_fetches_total counter")
        .contains("# TYPE dso_rotation_events_total counter")
        .contains("# TYPE dso_provider_errors_total counter")
        .contains("# TYPE dso_active_secrets gauge")
        .contains("# TYPE dso_agent_uptime_seconds gauge");
  }

  @Test
  void coreMetricsCarryTheirDocumentedHelpTexts() {
    metrics.registerProviders(List.of("local"));
    String text = MetricsText.scrape(metrics);

    assertThat(text)
        .contains("# HELP dso_secret_fetches_total Total secret fetch operations across all providers")
        .contains("# HELP dso_rotation_events_total Total number of container rotation events triggered")
        .contains("# HELP dso_provider_errors_total Error count segregated by provider label")
        .contains("# HELP dso_active_secrets Number of unique secrets currently held in memory cache")
        .contains("# HELP dso_agent_uptime_seconds Agent total running time");
  }

  @Test
  void registeredProvidersHaveZeroSeriesFromTheStart() {
    metrics.registerProviders(List.of("aws", "local"));

    for (String p : List.of("aws", "local")) {
      assertThat(value("dso_secret_fetches_total{provider=\"" + p + "\",status=\"success\"}")).isZero();
      assertThat(value("dso_secret_fetches_total{provider=\"" + p + "\",status=\"failed\"}")).isZero();
      assertThat(value("dso_provider_errors_total{provider=\"" + p + "\"}")).isZero();
      assertThat(value("dso_secret_changes_total{provider=\"" + p + "\"}")).isZero();
    }
    assertThat(MetricsText.scrape(metrics))
        .contains("dso_secret_fetches_total{provider=\"aws\",status=\"success\"} 0.0")
        .contains("dso_provider_errors_total{provider=\"aws\"} 0.0");
  }

  @Test
  void rotationSeriesExistAtZeroForEveryStrategy() {
    for (String strategy : DsoMetrics.STRATEGIES) {
      assertThat(value("dso_rotation_events_total{status=\"success\",strategy=\"" + strategy + "\"}")).isZero();
      assertThat(value("dso_rotation_events_total{status=\"failed\",strategy=\"" + strategy + "\"}")).isZero();
    }
  }

  @Test
  void failedFetchCountsAsAFetchAndAnError() {
    metrics.registerProviders(List.of("aws"));

    metrics.fetched("aws", false, Duration.ofMillis(20));

    assertThat(value("dso_secret_fetches_total{provider=\"aws\",status=\"failed\"}")).isEqualTo(1.0);
    assertThat(value("dso_secret_fetches_total{provider=\"aws\",status=\"success\"}")).isZero();
    assertThat(value("dso_provider_errors_total{provider=\"aws\"}")).isEqualTo(1.0);
    assertThat(value("dso_secret_fetch_duration_seconds_count{provider=\"aws\"}")).isEqualTo(1.0);
  }

  @Test
  void successfulFetchIsNotAnError() {
    metrics.registerProviders(List.of("aws"));

    metrics.fetched("aws", true, Duration.ofMillis(20));
    metrics.fetched("aws", true, Duration.ofMillis(30));

    assertThat(value("dso_secret_fetches_total{provider=\"aws\",status=\"success\"}")).isEqualTo(2.0);
    assertThat(value("dso_provider_errors_total{provider=\"aws\"}")).isZero();
    assertThat(value("dso_secret_fetch_duration_seconds_sum{provider=\"aws\"}")).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void unregisteredProviderGetsSeriesOnFirstUse() {
    metrics.fetched("vault", false, Duration.ZERO);

    assertThat(value("dso_provider_errors_total{provider=\"vault\"}")).isEqualTo(1.0);
  }

  @Test
  void uptimeGrowsWithTheClock() {
    assertThat(value("dso_agent_uptime_seconds")).isZero();

    clock.advance(Duration.ofMillis(90_500));

    assertThat(value("dso_agent_uptime_seconds")).isEqualTo(90.5);
  }

  @Test
  void activeSecretsFollowsTheCache() {
    assertThat(value("dso_active_secrets")).isZero();
    active.set(3);
    assertThat(value("dso_active_secrets")).isEqualTo(3.0);
  }

  @Test
  void buildInfoIsPresent() {
    assertThat(MetricsText.scrape(metrics)).contains("# TYPE dso_build_info gauge");
    assertThat(value("dso_build_info{java_version=\"" + Runtime.version() + "\",version=\"1.2.3-test\"}"))
        .isEqualTo(1.0);
  }

  @Test
  void rotationsAreCountedByStrategyAndStatus() {
    metrics.rotation("rolling", true);
    metrics.rotation("rolling", false);
    metrics.rotation("rolling", false);

    assertThat(value("dso_rotation_events_total{status=\"success\",strategy=\"rolling\"}")).isEqualTo(1.0);
    assertThat(value("dso_rotation_events_total{status=\"failed\",strategy=\"rolling\"}")).isEqualTo(2.0);
  }

  @Test
  void cacheHitsAndMissesAreCounted() {
    metrics.cacheHit();
    metrics.cacheHit();
    metrics.cacheMiss();

    assertThat(value("dso_cache_hits_total")).isEqualTo(2.0);
    assertThat(value("dso_cache_misses_total")).isEqualTo(1.0);
  }

  @Test
  void lastSuccessIsSetAndForgotten() {
    Instant at = Instant.parse("2026-04-01T10:05:00.500Z");
    metrics.lastSuccess("aws", "prod/db", at);

    String series = "dso_secret_last_success_timestamp_seconds{provider=\"aws\",secret=\"prod/db\"}";
    assertThat(value(series)).isEqualTo(at.toEpochMilli() / 1000.0);

    metrics.forgetSecret("aws", "prod/db");
    assertThat(MetricsText.value(metrics, series)).isEmpty();
  }

  @Test
  void dockerUpIsAGauge() {
    metrics.dockerUp(true);
    assertThat(value("dso_docker_up")).isEqualTo(1.0);
    metrics.dockerUp(false);
    assertThat(value("dso_docker_up")).isZero();
  }

  @Test
  void openMetricsExpositionWorksToo() throws IOException {
    metrics.registerProviders(List.of("aws"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ExpositionFormats.init().getOpenMetricsTextFormatWriter().write(out, metrics.registry().scrape());

    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("# TYPE dso_secret_fetches counter")
        .contains("dso_secret_fetches_total{provider=\"aws\",status=\"success\"} 0.0")
        .endsWith("# EOF\n");
  }

  @Test
  void registryHoldsNoJvmMetrics() {
    assertThat(MetricsText.scrape(metrics)).doesNotContain("jvm_").doesNotContain("process_");
  }
}
