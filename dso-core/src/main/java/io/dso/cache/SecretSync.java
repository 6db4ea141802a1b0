package io.dso.cache;

import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.Redactor;
import io.dso.provider.FetchResult;
import io.dso.provider.Lease;
import io.dso.provider.ProviderException;
import io.dso.provider.ProviderRegistry;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path from provider to cache: fetch, measure, audit, store, and compare hashes. Every
 * fetch is a metric sample; it is a {@code secret_fetch} audit record when it says something: a
 * first fetch, a change, the first failure of an outage and the recovery after it, and every fetch
 * made for a person (any {@code user} but {@code system}); with {@code agent.audit.fetches: all}
 * every fetch is one. A provider outage that outlasts {@code notifications.provider_outage_after}
 * is recorded once more, so that it can be told (and notified) from a blip. A changed hash is a {@code secret_change_detected} event handed to the listeners. One refresh per secret
 * runs at a time, whoever asks (poller, webhook, cache miss): results are stored in the order the
 * fetches started, so a slow fetch of an older value can never overwrite a newer one (nor cause a
 * rotation back to it), and concurrent cache misses of one secret share one fetch. A poll first asks
 * the provider's cheap change token when the held payload carries one, and reads only when it
 * differs (or a held lease reached its refresh point); superseded leased payloads are retired once
 * every container has been rotated away from them ({@link #rolledOut}).
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
  private final HeldVersions held = new HeldVersions();
  private final boolean auditAll;
  /** Secrets whose last fetch failed: one audit record per outage, one when it ends (bounded by the config). */
  private final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Per provider: since when its fetches fail (not "not found"), and whether the lasting outage was recorded. */
  private final java.util.Map<String, Instant> outageSince = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<String> outageRecorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Duration outageAfter;

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
    this.auditAll = config.agent().audit().fetches() == io.dso.config.AuditSettings.Fetches.ALL;
    this.outageAfter = config.notifications().providerOutageAfter();
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

  /**
   * A poll: like {@link #refresh}, but when the held payload carries a change token and the
   * provider's current token is the same, nothing is read (the entry is only confirmed current).
   * A held lease at its refresh point always reads, whatever the token says.
   */
  public Result poll(SecretSpec spec, String user) {
    java.util.concurrent.locks.ReentrantLock lock = lockFor(spec);
    lock.lock();
    try {
      Optional<String> token = held.token(spec.name());
      if (token.isEmpty() || cache.get(spec.name()).isEmpty() || held.leaseDue(spec.name(), clock.instant())) {
        return refreshHeld(spec, user);
      }
      Instant start = clock.instant();
      long t0 = System.nanoTime();
      Optional<String> now;
      try {
        now = providers.apply(spec.provider()).changeToken(ref(spec));
      } catch (ProviderException e) {
        metrics.changeChecked(spec.provider(), "failed");
        return failed(spec, user, e, Duration.ofNanos(System.nanoTime() - t0));
      }
      // Every provider call counts as a fetch; the change-check counter tells how many were cheap.
      metrics.fetched(spec.provider(), true, Duration.ofNanos(System.nanoTime() - t0));
      if (now.isPresent() && now.get().equals(token.get())) {
        metrics.changeChecked(spec.provider(), "unchanged");
        Optional<SecretCache.Update> same = cache.touch(spec.name(), start);
        if (same.isPresent()) {
          metrics.lastSuccess(spec.provider(), spec.name(), clock.instant());
          boolean recovered = failing.remove(spec.name());
          providerAnswers(spec.provider());
          if (auditAll || recovered || forPerson(user)) {
            auditFetch(spec, user, same.get(), Duration.ofNanos(System.nanoTime() - t0), recovered);
          }
          return new Result(spec, same.get(), same.get().current().payload(), null);
        }
      } else {
        metrics.changeChecked(spec.provider(), "changed");
      }
      return refreshHeld(spec, user);
    } finally {
      lock.unlock();
    }
  }

  /**
   * First fetch of several secrets of one provider in one batch call ({@link SecretProvider#fetchAll});
   * each secret's outcome is stored, measured and audited as a single fetch would be.
   */
  public List<Result> refreshAll(String provider, List<SecretSpec> specs, String user) {
    return underLocks(specs, sorted -> readAll(provider, sorted, user));
  }

  /**
   * A poll of several secrets of one provider at once: each held secret whose change token is the
   * same as the provider's current one is only confirmed current; all others (a changed token, no
   * token, nothing held, a lease at its refresh point) are read in one batch call
   * ({@link SecretProvider#fetchAll}). Each outcome is stored, measured and audited as
   * {@link #poll} would; results are in name order.
   */
  public List<Result> pollAll(String provider, List<SecretSpec> specs, String user) {
    return underLocks(specs, sorted -> {
      SecretProvider p = providers.apply(provider);
      List<Result> out = new ArrayList<>(sorted.size());
      List<SecretSpec> toRead = new ArrayList<>();
      for (SecretSpec spec : sorted) {
        Optional<String> token = held.token(spec.name());
        if (token.isEmpty() || cache.get(spec.name()).isEmpty() || held.leaseDue(spec.name(), clock.instant())) {
          toRead.add(spec);
          continue;
        }
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        Optional<String> now;
        try {
          now = p.changeToken(ref(spec));
        } catch (ProviderException e) {
          metrics.changeChecked(spec.provider(), "failed");
          out.add(failed(spec, user, e, Duration.ofNanos(System.nanoTime() - t0)));
          continue;
        }
        metrics.fetched(spec.provider(), true, Duration.ofNanos(System.nanoTime() - t0));
        if (now.isPresent() && now.get().equals(token.get())) {
          metrics.changeChecked(spec.provider(), "unchanged");
          Optional<SecretCache.Update> same = cache.touch(spec.name(), start);
          if (same.isPresent()) {
            metrics.lastSuccess(spec.provider(), spec.name(), clock.instant());
            out.add(new Result(spec, same.get(), same.get().current().payload(), null));
            continue;
          }
        } else {
          metrics.changeChecked(spec.provider(), "changed");
        }
        toRead.add(spec);
      }
      out.addAll(readAll(provider, toRead, user));
      out.sort(Comparator.comparing(r -> r.spec().name()));
      return out;
    });
  }

  /** Runs {@code body} with the refresh lock of every secret held, taken in name order. */
  private List<Result> underLocks(List<SecretSpec> specs, java.util.function.Function<List<SecretSpec>, List<Result>> body) {
    List<SecretSpec> sorted = specs.stream().sorted(Comparator.comparing(SecretSpec::name)).distinct().toList();
    // Locks in name order: every path that holds several takes them so, so this cannot deadlock.
    List<java.util.concurrent.locks.ReentrantLock> locks = new ArrayList<>();
    try {
      for (SecretSpec s : sorted) {
        java.util.concurrent.locks.ReentrantLock l = lockFor(s);
        l.lock();
        locks.add(l);
      }
      return body.apply(sorted);
    } finally {
      locks.forEach(java.util.concurrent.locks.ReentrantLock::unlock);
    }
  }

  /** One batch read of {@code specs} (their locks held); each outcome stored, measured and audited. */
  private List<Result> readAll(String provider, List<SecretSpec> specs, String user) {
    if (specs.isEmpty()) {
      return List.of();
    }
    Instant start = clock.instant();
    long t0 = System.nanoTime();
    List<FetchResult> results;
    try {
      results = providers.apply(provider).fetchAll(specs.stream().map(SecretSync::ref).toList());
    } catch (ProviderException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      return specs.stream().map(s -> failed(s, user, e, took)).toList();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    List<Result> out = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      FetchResult r = results.get(i);
      out.add(r.error() != null ? failed(specs.get(i), user, r.error(), took)
          : stored(specs.get(i), user, r.payload(), start, took));
    }
    return out;
  }

  private static SecretRef ref(SecretSpec spec) {
    return new SecretRef(spec.provider(), spec.name());
  }

  private Result refreshHeld(SecretSpec spec, String user) {
    Instant start = clock.instant();
    long t0 = System.nanoTime();
    SecretPayload payload;
    try {
      payload = providers.apply(spec.provider()).fetch(ref(spec));
    } catch (ProviderException e) {
      return failed(spec, user, e, Duration.ofNanos(System.nanoTime() - t0));
    }
    return stored(spec, user, payload, start, Duration.ofNanos(System.nanoTime() - t0));
  }

  private Result failed(SecretSpec spec, String user, ProviderException e, Duration took) {
    metrics.fetched(spec.provider(), false, took);
    String error = redactor.redact(e.getMessage());
    boolean stale = !(e instanceof SecretNotFoundException)
        && cache.get(spec.name()).map(c -> c.payload() != null).orElse(false);
    boolean firstOfOutage = failing.add(spec.name());
    boolean lastingOutage = lastingOutage(spec.provider(), e);
    if (firstOfOutage) {
      LOG.warn("fetch of secret '{}' from provider '{}' failed{}: {}",
          spec.name(), spec.provider(), stale ? " (serving the last good value)" : "", error);
    } else {
      LOG.debug("fetch of secret '{}' from provider '{}' still fails: {}", spec.name(), spec.provider(), error);
    }
    if (auditAll || firstOfOutage || lastingOutage || forPerson(user)) {
      audit.record(
          new AuditEvent("audit", "secret_fetch", user, spec.provider(), spec.name(), null, "failed", java.util.Map.of())
              .withExtra("error", error)
              .withExtra("outcome", e instanceof SecretNotFoundException ? "not_found" : e.retryable() ? "unavailable" : "rejected")
              .withExtra("serving_stale", stale)
              .withExtra("duration_ms", took.toMillis()));
    }
    if (e instanceof SecretNotFoundException) {
      // Deleted or revoked at the source: stop serving the old value.
      redactor.forget(spec.name());
      held.forget(spec.name());
      metrics.leaseExpiry(spec.name(), null);
      cache.remove(spec.name()).ifPresent(gone -> {
        metrics.forgetSecret(gone.provider(), gone.name());
        audit.record(AuditEvent.audit("secret_purge", spec.provider(), spec.name(), "success")
            .withExtra("reason", "not found in provider"));
      });
    }
    return new Result(spec, null, null, e);
  }

  private Result stored(SecretSpec spec, String user, SecretPayload payload, Instant start, Duration took) {
    redactor.remember(spec.name(), payload.values().values());
    SecretCache.Update update = cache.put(spec.name(), spec.provider(), payload, start);
    held.held(ref(spec), payload, update.previous() == null ? null : update.previous().payload());
    metrics.leaseExpiry(spec.name(), payload.lease().map(Lease::expiresAt).orElse(null));
    metrics.fetched(spec.provider(), true, took);
    metrics.lastSuccess(spec.provider(), spec.name(), clock.instant());
    boolean recovered = failing.remove(spec.name());
    providerAnswers(spec.provider());
    if (auditAll || recovered || update.first() || update.changed() || forPerson(user)) {
      auditFetch(spec, user, update, took, recovered);
    }
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

  /** Whether this failure is the first one after {@code provider} has failed for {@link #outageAfter}. */
  private boolean lastingOutage(String provider, ProviderException e) {
    if (e instanceof SecretNotFoundException) {
      return false; // an answer, not an outage
    }
    Instant now = clock.instant();
    Instant since = outageSince.computeIfAbsent(provider, p -> now);
    return Duration.between(since, now).compareTo(outageAfter) >= 0 && outageRecorded.add(provider);
  }

  private void providerAnswers(String provider) {
    if (outageSince.remove(provider) != null) {
      outageRecorded.remove(provider);
    }
  }

  /** Whether a fetch was asked for by someone rather than by the agent's own schedule. */
  private static boolean forPerson(String user) {
    return !AuditEvent.SYSTEM.equals(user);
  }

  private void auditFetch(SecretSpec spec, String user, SecretCache.Update update, Duration took, boolean recovered) {
    AuditEvent event =
        new AuditEvent("audit", "secret_fetch", user, spec.provider(), spec.name(), null, "success", java.util.Map.of())
            .withExtra("version", update.current().version())
            .withExtra("duration_ms", took.toMillis());
    audit.record(recovered ? event.withExtra("recovered", true) : event);
  }

  /**
   * How long until the held lease of {@code secret} reaches its refresh point (zero when due);
   * empty for a secret without a lease. The poller wakes up by then whatever its interval.
   */
  public Optional<Duration> untilLeaseRefresh(String secret) {
    return held.refreshPoint(secret).map(at -> {
      Duration d = Duration.between(clock.instant(), at);
      return d.isNegative() ? Duration.ZERO : d;
    });
  }

  /** Whether {@code secret} holds a leased payload (a dynamic credential). */
  public boolean leased(String secret) {
    return held.lease(secret).isPresent();
  }

  /**
   * Reports the outcome of rolling out a change of {@code secret}: when every container that held it
   * now runs the newest version (or there are none), each superseded leased payload is retired
   * once through its provider; otherwise they are kept (never revoke a credential still in use) and
   * the next successful rollout retires them.
   */
  public void rolledOut(String secret, boolean everyTargetCurrent, Duration took) {
    if (everyTargetCurrent && held.lease(secret).isPresent()) {
      held.rolledOutIn(secret, took);
    }
    if (!everyTargetCurrent) {
      if (held.hasSuperseded(secret)) {
        LOG.info("secret '{}': keeping the superseded lease(s) until every container runs the new version", secret);
      }
      return;
    }
    for (HeldVersions.Superseded s : held.takeSuperseded(secret)) {
      try {
        providers.apply(s.ref().provider()).retire(s.ref(), s.payload());
      } catch (ProviderException e) {
        metrics.providerError(s.ref().provider());
        LOG.warn("retiring the superseded version of secret '{}' failed: {}", secret, redactor.redact(e.getMessage()));
      } catch (RuntimeException e) {
        metrics.providerError(s.ref().provider());
        LOG.warn("retiring the superseded version of secret '{}' failed ({})", secret, e.getClass().getSimpleName());
      }
    }
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
