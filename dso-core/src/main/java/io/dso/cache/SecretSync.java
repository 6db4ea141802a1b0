package io.dso.cache;

import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.Redactor;
import io.dso.provider.ProviderException;
import io.dso.provider.ProviderRegistry;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path from provider to cache: fetch, measure, audit, store, and compare hashes. Every
 * fetch produces exactly one {@code secret_fetch} audit record and one metric sample; a changed
 * hash is a {@code secret_change_detected} event handed to the listeners. One refresh per secret
 * runs at a time, whoever asks (poller, webhook, cache miss): results are stored in the order the
 * fetches started, so a slow fetch of an older value can never overwrite a newer one (nor cause a
 * rotation back to it), and concurrent cache misses of one secret share one fetch.
 */
public final class SecretSync {
  private static final Logger LOG = LoggerFactory.getLogger(SecretSync.class);

  /** A detected change of one secret's content, by whom it was noticed ({@code system}, {@code webhook}). */
  public record Change(SecretSpec spec, CachedSecret previous, CachedSecret current, String user) {}

  /** The result of one refresh: the cache update and payload on success, or the provider's error. */
  public record Result(SecretSpec spec, SecretCache.Update update, SecretPayload payload, ProviderException error) {
    public boolean ok() {
      return error == null;
    }
  }

  private final java.util.function.Function<String, SecretProvider> providers;
  /** One lock per configured secret name (bounded by the config). */
  private final java.util.Map<String, java.util.concurrent.locks.ReentrantLock> inFlight =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final SecretCache cache;
  private final Duration ttl;
  private final DsoMetrics metrics;
  private final AuditLog audit;
  private final Redactor redactor;
  private final Clock clock;
  private final CopyOnWriteArrayList<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

  public SecretSync(
      DsoConfig config,
      ProviderRegistry providers,
      SecretCache cache,
      DsoMetrics metrics,
      AuditLog audit,
      Redactor redactor,
      Clock clock) {
    this(config, providers::get, cache, metrics, audit, redactor, clock);
  }

  /** @param providers a provider by its configured name (tests pass their own doubles) */
  public SecretSync(
      DsoConfig config,
      java.util.function.Function<String, SecretProvider> providers,
      SecretCache cache,
      DsoMetrics metrics,
      AuditLog audit,
      Redactor redactor,
      Clock clock) {
    this.providers = providers;
    this.cache = cache;
    this.ttl = config.agent().refreshInterval();
    this.metrics = metrics;
    this.audit = audit;
    this.redactor = redactor;
    this.clock = clock;
  }

  public void onChange(Consumer<Change> listener) {
    listeners.add(listener);
  }

  /**
   * Fetches the secret from its provider now, whatever the cache holds; waits first for a refresh
   * of the same secret already running, so that the newer question gets the newer answer.
   */
  public Result refresh(SecretSpec spec, String user) {
    java.util.concurrent.locks.ReentrantLock lock = lockFor(spec);
    lock.lock();
    try {
      return refreshHeld(spec, user);
    } finally {
      lock.unlock();
    }
  }

  private java.util.concurrent.locks.ReentrantLock lockFor(SecretSpec spec) {
    return inFlight.computeIfAbsent(spec.name(), n -> new java.util.concurrent.locks.ReentrantLock());
  }

  private Result refreshHeld(SecretSpec spec, String user) {
    Instant start = clock.instant();
    long t0 = System.nanoTime();
    SecretPayload payload;
    try {
      payload = providers.apply(spec.provider()).fetch(new SecretRef(spec.provider(), spec.name()));
    } catch (ProviderException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      metrics.fetched(spec.provider(), false, took);
      String error = redactor.redact(e.getMessage());
      boolean stale = !(e instanceof SecretNotFoundException)
          && cache.get(spec.name()).map(c -> c.payload() != null).orElse(false);
      LOG.warn("fetch of secret '{}' from provider '{}' failed{}: {}",
          spec.name(), spec.provider(), stale ? " (serving the last good value)" : "", error);
      audit.record(
          new AuditEvent("audit", "secret_fetch", user, spec.provider(), spec.name(), null, "failed", java.util.Map.of())
              .withExtra("error", error)
              .withExtra("outcome", e instanceof SecretNotFoundException ? "not_found" : e.retryable() ? "unavailable" : "rejected")
              .withExtra("serving_stale", stale)
              .withExtra("duration_ms", took.toMillis()));
      if (e instanceof SecretNotFoundException) {
        // Deleted or revoked at the source: stop serving the old value.
        redactor.forget(spec.name());
        cache.remove(spec.name()).ifPresent(gone -> {
          metrics.forgetSecret(gone.provider(), gone.name());
          audit.record(AuditEvent.audit("secret_purge", spec.provider(), spec.name(), "success")
              .withExtra("reason", "not found in provider"));
        });
      }
      return new Result(spec, null, null, e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    redactor.remember(spec.name(), payload.values().values());
    SecretCache.Update update = cache.put(spec.name(), spec.provider(), payload, start);
    metrics.fetched(spec.provider(), true, took);
    metrics.lastSuccess(spec.provider(), spec.name(), clock.instant());
    audit.record(
        new AuditEvent("audit", "secret_fetch", user, spec.provider(), spec.name(), null, "success", java.util.Map.of())
            .withExtra("version", update.current().version())
            .withExtra("duration_ms", took.toMillis()));
    if (update.changed()) {
      metrics.changed(spec.provider());
      LOG.info("secret '{}' changed (version {} -> {})", spec.name(), update.previous().version(), update.current().version());
      audit.record(
          new AuditEvent("audit", "secret_change_detected", user, spec.provider(), spec.name(), null, "success", java.util.Map.of())
              .withExtra("previous_version", update.previous().version())
              .withExtra("version", update.current().version()));
      Change change = new Change(spec, update.previous(), update.current(), user);
      for (Consumer<Change> l : listeners) {
        try {
          l.accept(change);
        } catch (RuntimeException e) {
          LOG.error("change handler for secret '{}' failed: {}", spec.name(), redactor.redact(String.valueOf(e.getMessage())));
        }
      }
    }
    return new Result(spec, update, payload, null);
  }

  /**
   * The payload to inject: from the cache while fresh (a hit), otherwise fetched (a miss); when the
   * fetch fails the last good value is served. Empty only if the secret was never fetched.
   */
  public Optional<SecretPayload> lookup(SecretSpec spec) {
    Optional<SecretPayload> fresh = fresh(spec);
    if (fresh.isPresent()) {
      metrics.cacheHit();
      return fresh;
    }
    java.util.concurrent.locks.ReentrantLock lock = lockFor(spec);
    lock.lock();
    try {
      // Another caller may have fetched it while this one waited: one fetch serves them all.
      fresh = fresh(spec);
      if (fresh.isPresent()) {
        metrics.cacheHit();
        return fresh;
      }
      metrics.cacheMiss();
      Result r = refreshHeld(spec, AuditEvent.SYSTEM);
      if (r.ok()) {
        return Optional.of(r.payload());
      }
      return cache.get(spec.name()).map(CachedSecret::payload);
    } finally {
      lock.unlock();
    }
  }

  private Optional<SecretPayload> fresh(SecretSpec spec) {
    return cache.get(spec.name()).filter(c -> c.freshAt(clock.instant(), ttl)).map(CachedSecret::payload);
  }

  /** The cached payload without fetching or counting a lookup (for reports). */
  public Optional<SecretPayload> cached(String name) {
    return cache.get(name).map(CachedSecret::payload);
  }

  /** Whether the cached entry has outlived {@code agent.refresh_interval}. */
  public boolean expired(SecretSpec spec) {
    return cache.get(spec.name()).map(c -> !clock.instant().isBefore(c.fetchedAt().plus(ttl))).orElse(true);
  }
}
