package io.dso.trigger;

import io.dso.cache.SecretSync;
import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.config.WatchMode;
import io.dso.observability.AuditEvent;
import io.dso.observability.DsoMetrics;
import java.time.Duration;
import io.dso.provider.ProviderLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every configured secret fresh with one scheduler for all of them: a delay queue on one
 * thread hands due secrets to their provider's {@link PollLane}, whose workers (virtual threads, at
 * most the provider's {@code in_flight}) poll them in batches through the {@link FetchLimiter}. Every
 * secret's first fetch comes before any poll, as batch reads; then secrets with
 * {@code rotation: true} are polled on an {@link AdaptiveInterval} from {@code polling_interval} (in
 * {@code polling} and {@code hybrid} mode) and the others, and every secret in {@code event} mode, are
 * refreshed at {@code refresh_interval} (the cache TTL). A batch poll asks the provider's cheap change
 * check first and reads only the secrets that changed, in one batch; a secret holding a leased
 * credential is polled at the lease's refresh point at the latest, whatever its interval or
 * {@code rotation} setting (a dynamic credential must be replaced before it expires).
 */
public final class Poller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
  /** Secrets per batch call to a provider without a rate limit (a local file: one parse serves them). */
  static final int LOCAL_BATCH = 512;
  /** Secrets per batch call to a rate-limited provider (AWS answers at most 20 per batch call). */
  static final int REMOTE_BATCH = 20;

  private final DsoConfig config;
  private final SecretSync sync;
  private final FetchLimiter limiter;
  private final DsoMetrics metrics;
  private final DelayQueue<PollEntry.Ticket> schedule = new DelayQueue<>();
  private final Map<String, List<PollEntry>> entries = new LinkedHashMap<>();
  private final Map<String, PollLane> lanes = new ConcurrentHashMap<>();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final CountDownLatch initialDone;
  private volatile boolean stopped;
  private volatile Thread scheduler;
  /** How long the scheduler gathers due polls before it hands them out. */
  static final Duration TICK = Duration.ofMillis(100);
  /** The earliest point of the first interval at which a secret's first poll may come. */
  static final double FIRST_SPREAD = 0.1;
  /** The shortest wait between two polls of a leased secret whose refresh point has passed. */
  public static final Duration LEASE_RETRY = Duration.ofSeconds(1);

  public Poller(DsoConfig config, SecretSync sync, FetchLimiter limiter, DsoMetrics metrics) {
    this.config = config;
    this.sync = sync;
    this.limiter = limiter;
    this.metrics = metrics;
    this.initialDone = new CountDownLatch(config.secrets().size());
  }

  /** Whether {@code spec} is polled for changes (adaptively) rather than only refreshed at the TTL. */
  public static boolean polled(DsoConfig config, SecretSpec spec) {
    return spec.rotation() && config.agent().watch().mode() != WatchMode.EVENT;
  }

  /** The interval {@code spec} starts with: the polling interval if polled, else the cache TTL. */
  public static Duration interval(DsoConfig config, SecretSpec spec) {
    return polled(config, spec) ? config.agent().watch().pollingInterval() : config.agent().refreshInterval();
  }

  /** Queues every secret's first fetch, then starts the scheduler thread that dispatches the polls. */
  public void start() {
    Map<String, List<PollEntry>> byProvider = new LinkedHashMap<>();
    for (SecretSpec spec : config.secrets()) {
      AdaptiveInterval interval = polled(config, spec)
          ? new AdaptiveInterval(interval(config, spec), ThreadLocalRandom.current())
          : AdaptiveInterval.fixed(interval(config, spec), ThreadLocalRandom.current());
      byProvider.computeIfAbsent(spec.provider(), p -> new ArrayList<>()).add(new PollEntry(spec, interval));
    }
    entries.putAll(byProvider);
    byProvider.forEach((provider, list) -> lane(provider).submit(list));
    Thread t = Thread.ofPlatform().daemon().name("poll-scheduler").unstarted(this::dispatchDue);
    scheduler = t;
    t.start();
  }

  private PollLane lane(String provider) {
    return lanes.computeIfAbsent(provider, p -> {
      ProviderLimits l = limiter.limits(p);
      int batch = l.unlimitedRate() ? LOCAL_BATCH : Math.max(1, Math.min(REMOTE_BATCH, l.perSecond()));
      return new PollLane(l.inFlight(), batch, lane -> startWorker(p, lane));
    });
  }

  /** The scheduler loop: waits for the next due secret, then hands every due one to its lane. */
  private void dispatchDue() {
    List<PollEntry.Ticket> due = new ArrayList<>();
    while (!stopped) {
      try {
        due.add(schedule.take());
        // Polls due within one tick go out together: fewer, larger batches, and the scheduler wakes
        // at most a few times a second however many secrets there are.
        Thread.sleep(TICK);
      } catch (InterruptedException e) {
        return;
      }
      schedule.drainTo(due);
      Map<String, List<PollEntry>> byProvider = new LinkedHashMap<>();
      for (PollEntry.Ticket t : due) {
        if (t.entry().claim(t)) {
          byProvider.computeIfAbsent(t.entry().spec().provider(), p -> new ArrayList<>()).add(t.entry());
        }
      }
      due.clear();
      byProvider.forEach((provider, list) -> lane(provider).submit(list));
    }
  }

  private void startWorker(String provider, PollLane lane) {
    if (stopped) {
      lane.workerGone();
      return;
    }
    Thread t = Thread.ofVirtual().name("poll-" + provider).unstarted(() -> work(provider, lane));
    threads.add(t);
    t.start();
  }

  /** A worker: takes batches from its lane until none is left (or the poller stops). */
  private void work(String provider, PollLane lane) {
    try {
      while (!stopped) {
        List<PollEntry> batch = lane.take();
        if (batch.isEmpty()) {
          return;
        }
        try {
          runBatch(provider, batch);
        } catch (InterruptedException e) {
          lane.workerGone();
          return;
        }
      }
      lane.workerGone();
    } finally {
      threads.remove(Thread.currentThread());
    }
  }

  /**
   * One batch, in its own frame: the results hold payloads, and nothing of them may stay reachable
   * once the batch is done (with {@code agent.cache: false} no value may outlive its use).
   */
  private void runBatch(String provider, List<PollEntry> batch) throws InterruptedException {
    boolean first = batch.getFirst().first();
    List<SecretSpec> specs = batch.stream().map(PollEntry::spec).toList();
    Map<String, SecretSync.Result> byName = new HashMap<>();
    Map<String, String> tokensBefore = first ? Map.of() : heldTokens(batch);
    try {
      List<SecretSync.Result> results;
      // Polls go through the batch path even for one secret: its read shares the provider's parse.
      if (first && specs.size() == 1) {
        results = List.of(limiter.run(provider, () -> sync.poll(specs.getFirst(), AuditEvent.SYSTEM)));
      } else if (first) {
        results = limiter.run(provider, specs.size(), () -> sync.refreshAll(provider, specs, AuditEvent.SYSTEM));
      } else {
        results = limiter.run(provider, specs.size(), () -> sync.pollAll(provider, specs, AuditEvent.SYSTEM));
      }
      results.forEach(r -> byName.put(r.spec().name(), r));
    } catch (RuntimeException e) {
      LOG.error("{} of {} secret(s) of provider '{}' failed unexpectedly: {}",
          first ? "first fetch" : "refresh", specs.size(), provider, e.getClass().getSimpleName());
    } finally {
      if (first) {
        batch.forEach(e -> initialDone.countDown());
      }
    }
    if (!first) {
      wakeSiblings(provider, tokensBefore, batch);
    }
    for (PollEntry e : batch) {
      SecretSync.Result r = byName.get(e.spec().name());
      if (!e.first() && r != null && r.ok()) {
        // A failed fetch says nothing about activity, so it leaves the interval as it is.
        if (r.update().changed()) {
          e.interval().changed();
        } else {
          e.interval().unchanged();
        }
      }
      boolean wasFirst = e.first();
      e.fetched();
      reschedule(e, wasFirst);
    }
  }

  /** Puts the secret back in the schedule: the adaptive wait, or earlier when a held lease is due. */
  private void reschedule(PollEntry e, boolean afterFirstFetch) {
    if (stopped) {
      return;
    }
    metrics.pollInterval(e.spec().name(), e.interval().current());
    Duration regular = e.interval().nextWait();
    if (afterFirstFetch) {
      // Secrets fetched together would otherwise poll in waves (all due at once, then quiet for a
      // whole interval): the first poll comes at a random point of the first interval instead.
      regular = Duration.ofNanos((long) (regular.toNanos() * ThreadLocalRandom.current().nextDouble(FIRST_SPREAD, 1.0)));
    }
    Duration wait = nextWait(regular, sync.untilLeaseRefresh(e.spec().name()));
    schedule.add(e.scheduleAt(System.nanoTime() + wait.toNanos()));
  }

  private Map<String, String> heldTokens(List<PollEntry> batch) {
    Map<String, String> out = new HashMap<>();
    for (PollEntry e : batch) {
      heldToken(e).ifPresent(t -> out.put(e.spec().name(), t));
    }
    return out;
  }

  private Optional<String> heldToken(PollEntry e) {
    return sync.cached(e.spec().name()).flatMap(p -> p.changeToken());
  }

  /**
   * When a poll found that the change token of a provider without a rate limit moved, every other
   * polled secret still holding the old token is polled now rather than at its own (possibly grown)
   * interval: one local file is one token for all its secrets, so an edit is seen by every secret
   * at the first poll of any of them, and the file is parsed once for all of them.
   */
  private void wakeSiblings(String provider, Map<String, String> before, List<PollEntry> batch) {
    if (before.isEmpty() || !limiter.limits(provider).unlimitedRate()) {
      return;
    }
    Set<String> moved = new java.util.HashSet<>();
    for (PollEntry e : batch) {
      String old = before.get(e.spec().name());
      if (old != null && !heldToken(e).map(old::equals).orElse(false)) {
        moved.add(old);
      }
    }
    if (moved.isEmpty()) {
      return;
    }
    int woken = 0;
    for (PollEntry e : entries.getOrDefault(provider, List.of())) {
      // Only polled secrets: one refreshed at the cache TTL keeps its own pace (its change rotates too).
      if (polled(config, e.spec()) && heldToken(e).map(moved::contains).orElse(false)) {
        PollEntry.Ticket t = e.wake();
        if (t != null) {
          schedule.add(t);
          woken++;
        }
      }
    }
    LOG.debug("provider '{}' changed: polling {} secret(s) that share its change token now", provider, woken);
  }

  /** Threads the poller runs now: the scheduler and the lanes' workers (for tests and diagnostics). */
  int liveThreads() {
    Thread s = scheduler;
    return threads.size() + (s != null && s.isAlive() ? 1 : 0);
  }

  /** Waits until every secret has had its first fetch (successful or not). */
  public boolean awaitInitialFetch(Duration timeout) throws InterruptedException {
    return initialDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The wait before the next poll: the interval's, shortened to the lease's refresh point; at least
   * {@link #LEASE_RETRY} after a due lease whose refresh failed, so a failing backend is not hammered.
   */
  public static Duration nextWait(Duration regular, Optional<Duration> untilLeaseRefresh) {
    if (untilLeaseRefresh.isEmpty()) {
      return regular;
    }
    // Only a refresh point already passed (its refresh failed) waits the floor; a coming one is met exactly.
    Duration lease = untilLeaseRefresh.get().isZero() ? LEASE_RETRY : untilLeaseRefresh.get();
    return lease.compareTo(regular) < 0 ? lease : regular;
  }

  @Override
  public void close() {
    stopped = true;
    Thread s = scheduler;
    List<Thread> all = new ArrayList<>(threads);
    if (s != null) {
      all.add(s);
    }
    all.forEach(Thread::interrupt);
    schedule.clear();
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    for (Thread t : all) {
      try {
        t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
