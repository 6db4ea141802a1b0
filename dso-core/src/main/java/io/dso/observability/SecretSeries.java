package io.dso.observability;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The three metrics that have a {@code secret} label: the last successful fetch, the poll interval
 * and, for leased secrets, the lease expiry. Per secret that is two series (three when leased).
 * With {@code metrics.per_secret: false} the names stay and the {@code secret} label goes: the last
 * success becomes the oldest one per provider, the poll interval the longest current one, the lease
 * expiry the earliest one, so that staleness and expiry alerts still fire; the exposition then no
 * longer grows with the number of secrets.
 */
final class SecretSeries {
  private static final String LAST_SUCCESS = "dso_secret_last_success_timestamp_seconds";
  private static final String LAST_SUCCESS_HELP = "Unix time of the last successful fetch of each secret";
  private static final String POLL = "dso_poll_interval_seconds";
  private static final String POLL_HELP = "Current (adaptive) interval between two fetches of each secret, before jitter";
  private static final String LEASE = "dso_secret_lease_expiry_timestamp_seconds";
  private static final String LEASE_HELP =
      "Unix time at which the lease of each leased (dynamic) secret's held credential expires";

  /** The values the series (or, without per-secret series, the aggregates) are read from at scrape time. */
  private final Map<String, Map<String, Double>> lastSuccessByProvider = new ConcurrentHashMap<>();
  private final Map<String, Double> pollBySecret = new ConcurrentHashMap<>();
  private final Map<String, Double> leaseBySecret = new ConcurrentHashMap<>();

  SecretSeries(PrometheusRegistry registry, boolean perSecret) {
    if (perSecret) {
      // Callbacks over plain maps, not labelled Gauge children: a scrape walks the maps once and
      // a secret costs two map entries instead of two gauge children (measured: bench/jmh.sh).
      GaugeWithCallback.builder().name(LAST_SUCCESS).help(LAST_SUCCESS_HELP).labelNames("provider", "secret")
          .callback(cb -> lastSuccessByProvider.forEach((provider, secrets) ->
              secrets.forEach((secret, v) -> cb.call(v, provider, secret))))
          .register(registry);
      GaugeWithCallback.builder().name(POLL).help(POLL_HELP).unit(Unit.SECONDS).labelNames("secret")
          .callback(cb -> pollBySecret.forEach((secret, v) -> cb.call(v, secret)))
          .register(registry);
      GaugeWithCallback.builder().name(LEASE).help(LEASE_HELP).unit(Unit.SECONDS).labelNames("secret")
          .callback(cb -> leaseBySecret.forEach((secret, v) -> cb.call(v, secret)))
          .register(registry);
      return;
    }
    GaugeWithCallback.builder().name(LAST_SUCCESS).help(LAST_SUCCESS_HELP + "; without per-secret series the oldest per provider")
        .labelNames("provider")
        .callback(cb -> lastSuccessByProvider.forEach((provider, secrets) ->
            secrets.values().stream().mapToDouble(Double::doubleValue).min().ifPresent(v -> cb.call(v, provider))))
        .register(registry);
    GaugeWithCallback.builder().name(POLL).help(POLL_HELP + "; without per-secret series the longest").unit(Unit.SECONDS)
        .callback(cb -> pollBySecret.values().stream().mapToDouble(Double::doubleValue).max().ifPresent(cb::call))
        .register(registry);
    GaugeWithCallback.builder().name(LEASE).help(LEASE_HELP + "; without per-secret series the earliest").unit(Unit.SECONDS)
        .callback(cb -> leaseBySecret.values().stream().mapToDouble(Double::doubleValue).min().ifPresent(cb::call))
        .register(registry);
  }

  void lastSuccess(String provider, String secret, Instant at) {
    lastSuccessByProvider.computeIfAbsent(provider, p -> new ConcurrentHashMap<>()).put(secret, at.toEpochMilli() / 1000.0);
  }

  void forget(String provider, String secret) {
    lastSuccessByProvider.getOrDefault(provider, Map.of()).remove(secret);
  }

  void pollInterval(String secret, Duration interval) {
    pollBySecret.put(secret, interval.toNanos() / 1e9);
  }

  void leaseExpiry(String secret, Instant at) {
    if (at == null) {
      leaseBySecret.remove(secret);
    } else {
      leaseBySecret.put(secret, at.toEpochMilli() / 1000.0);
    }
  }
}
