package io.dso.observability;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Every metric the agent exposes, in its own registry (no JVM noise). The five core metrics keep
 * their documented names and types (dashboards and alerts depend on them); every labelled series is created at 0 when the agent starts.
 */
public final class DsoMetrics {
  /** Strategies pre-created at 0 so that rotation queries have series before the first rotation. */
  public static final List<String> STRATEGIES = List.of("rolling", "restart", "signal", "none");

  private static final List<String> STATUSES = List.of("success", "failed");
  /** A change check found the held version ({@code unchanged}), a new one, or failed. */
  private static final List<String> CHECK_RESULTS = List.of("unchanged", "changed", "failed");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter fetches;
  private final Counter providerErrors;
  private final Counter rotations;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter changes;
  private final Histogram fetchDuration;
  private final Gauge dockerUp;
  private final Gauge buildInfo;
  private final Counter injections;
  private final Histogram rotationDuration;
  private final Counter rollbacks;
  private final Gauge managedContainers;
  private final Counter webhookRequests;
  private final Counter changeChecks;
  private final SecretSeries perSecret;

  /** Webhook answers pre-created at 0, so that a flood shows up as a rate, not a new series. */
  public static final List<String> WEBHOOK_STATUSES = List.of("202", "400", "401", "403", "404", "413", "429");

  public DsoMetrics(Clock clock, Instant startedAt, String version, IntSupplier activeSecrets) {
    this(clock, startedAt, version, activeSecrets, true);
  }

  /** @param perSecret {@code metrics.per_secret}: false drops the {@code secret} label (see {@link SecretSeries}) */
  public DsoMetrics(Clock clock, Instant startedAt, String version, IntSupplier activeSecrets, boolean perSecret) {
    fetches =
        Counter.builder()
            .name("dso_secret_fetches_total")
            .help("Total secret fetch operations across all providers")
            .labelNames("provider", "status")
            .register(registry);
    rotations =
        Counter.builder()
            .name("dso_rotation_events_total")
            .help("Total number of container rotation events triggered")
            .labelNames("strategy", "status")
            .register(registry);
    providerErrors =
        Counter.builder()
            .name("dso_provider_errors_total")
            .help("Error count segregated by provider label")
            .labelNames("provider")
            .register(registry);
    GaugeWithCallback.builder()
        .name("dso_active_secrets")
        .help("Number of unique secrets currently held in memory cache")
        .callback(cb -> cb.call(activeSecrets.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dso_agent_uptime_seconds")
        .help("Agent total running time")
        .unit(Unit.SECONDS)
        .callback(cb -> cb.call(Duration.between(startedAt, clock.instant()).toMillis() / 1000.0))
        .register(registry);
    fetchDuration =
        Histogram.builder()
            .name("dso_secret_fetch_duration_seconds")
            .help("Latency of secret fetches from providers, retries included")
            .unit(Unit.SECONDS)
            .labelNames("provider")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .classicOnly()
            .register(registry);
    cacheHits =
        Counter.builder()
            .name("dso_cache_hits_total")
            .help("Secret lookups answered from the in-memory cache")
            .register(registry);
    cacheMisses =
        Counter.builder()
            .name("dso_cache_misses_total")
            .help("Secret lookups that had to go to the provider")
            .register(registry);
    changes =
        Counter.builder()
            .name("dso_secret_changes_total")
            .help("Secret payload changes detected (SHA-256 of the canonical payload differs)")
            .labelNames("provider")
            .register(registry);
    this.perSecret = new SecretSeries(registry, perSecret);
    dockerUp =
        Gauge.builder()
            .name("dso_docker_up")
            .help("1 when the Docker Engine answers, 0 while container work is paused")
            .register(registry);
    buildInfo =
        Gauge.builder()
            .name("dso_build_info")
            .help("Build information of the running agent; value is always 1")
            .labelNames("version", "java_version")
            .register(registry);
    buildInfo.labelValues(version, Runtime.version().toString()).set(1);
    injections =
        Counter.builder()
            .name("dso_secret_injections_total")
            .help("Secret injections into containers, by mode (env, file) and status")
            .labelNames("mode", "status")
            .register(registry);
    managedContainers =
        Gauge.builder()
            .name("dso_managed_containers")
            .help("Running containers that receive at least one secret from this agent")
            .register(registry);
    rotationDuration =
        Histogram.builder()
            .name("dso_rotation_duration_seconds")
            .help("Duration of container rotations, health gate included, by strategy")
            .unit(Unit.SECONDS)
            .labelNames("strategy")
            .classicUpperBounds(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120)
            .classicOnly()
            .register(registry);
    rollbacks =
        Counter.builder()
            .name("dso_rotation_rollbacks_total")
            .help("Rotations that failed and restored the previous container, by strategy")
            .labelNames("strategy")
            .register(registry);
    for (String strategy : STRATEGIES) {
      rotationDuration.labelValues(strategy);
      rollbacks.labelValues(strategy);
    }
    webhookRequests =
        Counter.builder()
            .name("dso_webhook_requests_total")
            .help("Requests to POST /api/events/secret-update, by HTTP status answered")
            .labelNames("status")
            .register(registry);
    WEBHOOK_STATUSES.forEach(webhookRequests::labelValues);
    changeChecks =
        Counter.builder()
            .name("dso_secret_change_checks_total")
            .help("Cheap change checks (version ids) made instead of full reads; also counted in"
                + " dso_secret_fetches_total, so full reads = fetches - change checks")
            .labelNames("provider", "result")
            .register(registry);
    for (String mode : List.of("env", "file")) {
      for (String status : STATUSES) {
        injections.labelValues(mode, status);
      }
    }
    for (String strategy : STRATEGIES) {
      for (String status : STATUSES) {
        rotations.labelValues(strategy, status);
      }
    }
  }

  /** Creates every per-provider series at 0, so queries never see a missing series. */
  public void registerProviders(Collection<String> providers) {
    for (String provider : providers) {
      for (String status : STATUSES) {
        fetches.labelValues(provider, status);
      }
      providerErrors.labelValues(provider);
      changes.labelValues(provider);
      fetchDuration.labelValues(provider);
      for (String result : CHECK_RESULTS) {
        changeChecks.labelValues(provider, result);
      }
    }
  }

  public void fetched(String provider, boolean success, Duration took) {
    fetches.labelValues(provider, success ? "success" : "failed").inc();
    fetchDuration.labelValues(provider).observe(took.toNanos() / 1e9);
    if (!success) {
      providerErrors.labelValues(provider).inc();
    }
  }

  /** A failed provider call that is not a fetch (a retirement): counted as a provider error only. */
  public void providerError(String provider) {
    providerErrors.labelValues(provider).inc();
  }

  /** One change check and its result ({@code unchanged}, {@code changed}, {@code failed}). */
  public void changeChecked(String provider, String result) {
    changeChecks.labelValues(provider, result).inc();
  }

  /** The held credential of {@code secret} expires at {@code at}; null removes the series. */
  public void leaseExpiry(String secret, Instant at) {
    perSecret.leaseExpiry(secret, at);
  }

  public void lastSuccess(String provider, String secret, Instant at) {
    perSecret.lastSuccess(provider, secret, at);
  }

  public void forgetSecret(String provider, String secret) {
    perSecret.forget(provider, secret);
  }

  public void changed(String provider) {
    changes.labelValues(provider).inc();
  }

  public void cacheHit() {
    cacheHits.inc();
  }

  public void cacheMiss() {
    cacheMisses.inc();
  }

  public void rotation(String strategy, boolean success) {
    rotations.labelValues(strategy, success ? "success" : "failed").inc();
  }

  public void rotated(String strategy, boolean success, Duration took) {
    rotation(strategy, success);
    rotationDuration.labelValues(strategy).observe(took.toNanos() / 1e9);
  }

  public void rolledBack(String strategy) {
    rollbacks.labelValues(strategy).inc();
  }

  public void injected(String mode, boolean success) {
    injections.labelValues(mode, success ? "success" : "failed").inc();
  }

  public void managedContainers(int count) {
    managedContainers.set(count);
  }

  public void webhookRequest(int status) {
    webhookRequests.labelValues(Integer.toString(status)).inc();
  }

  public void pollInterval(String secret, Duration interval) {
    perSecret.pollInterval(secret, interval);
  }

  public void dockerUp(boolean up) {
    dockerUp.set(up ? 1 : 0);
  }

  public PrometheusRegistry registry() {
    return registry;
  }
}
