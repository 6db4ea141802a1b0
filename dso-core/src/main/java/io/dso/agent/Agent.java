package io.dso.agent;

import io.dso.cache.CachedSecret;
import io.dso.cache.SecretCache;
import io.dso.cache.SecretSync;
import io.dso.config.ConfigLoader;
import io.dso.config.DsoConfig;
import io.dso.docker.DockerConnectivity;
import io.dso.docker.DockerEngine;
import io.dso.inject.ComposeFiles;
import io.dso.inject.FileInjector;
import io.dso.inject.Injector;
import io.dso.inject.SecretsDir;
import io.dso.inject.VersionKey;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.Redactor;
import io.dso.provider.ProviderCatalog;
import io.dso.provider.ProviderRegistry;
import io.dso.rotation.RotationEngine;
import io.dso.rotation.RotationJournal;
import io.dso.trigger.ChangeGate;
import io.dso.trigger.FetchLimiter;
import io.dso.trigger.Poller;
import io.dso.trigger.WebhookTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running agent: builds every component by hand from the config, owns the virtual-thread
 * executor and the lifecycle. {@link #stop()} is bounded: rotations in progress get
 * {@code agent.shutdown_timeout} to finish and at most {@link #ROLLBACK_BOUND} more to roll back,
 * then the cache is purged, providers and Docker are closed and {@code agent_stop} is audited last.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  /** How long rotations cut short by the stop deadline may take to roll back. */
  public static final Duration ROLLBACK_BOUND = Duration.ofSeconds(20);
  private static final Duration TASKS_BOUND = Duration.ofSeconds(5);

  private final DsoConfig config;
  private final Clock clock;
  private final Instant startedAt;
  private final String version;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Redactor redactor;
  private final AuditLog audit;
  private final DsoMetrics metrics;
  private final SecretCache cache;
  private final ProviderRegistry providers;
  private final SecretSync sync;
  private final Poller poller;
  private final WebhookTrigger webhook;
  private final ChangeGate gate;
  private final ScheduledExecutorService gateScheduler =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("change-gate").factory());
  private final DockerEngine docker;
  private final DockerConnectivity dockerConnectivity;
  private final Injector injector;
  private final RotationEngine rotations;
  private volatile AutoCloseable events;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch stoppedLatch = new CountDownLatch(1);

  private Agent(
      DsoConfig config, AgentOptions options, AuditLog audit, Redactor redactor, ProviderCatalog catalog,
      DockerEngine docker, Map<String, String> env, Clock clock, String version) {
    this.config = config;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.version = version;
    this.redactor = redactor;
    this.audit = audit;
    this.cache = new SecretCache(config.agent().cache());
    this.metrics = new DsoMetrics(clock, startedAt, version, cache::activeCount, config.metrics().perSecret());
    metrics.registerProviders(config.providers().keySet());
    this.providers = ProviderRegistry.open(config, catalog, env, clock, executor, Thread::sleep);
    this.sync = new SecretSync(config, providers, cache, metrics, audit, redactor, clock);
    // --- triggers: limiter, adaptive poller, cooldown/debounce gate, webhook (see io.dso.trigger) ---
    FetchLimiter limiter = FetchLimiter.forConfig(config, type -> catalog.factory(type).defaultLimits());
    this.poller = new Poller(config, sync, limiter, metrics);
    this.webhook = new WebhookTrigger(config, sync, limiter, audit, metrics, executor, System::nanoTime);
    // --- end triggers ---
    this.docker = docker;
    this.dockerConnectivity = new DockerConnectivity(docker, Duration.ofSeconds(2), metrics::dockerUp);
    boolean fileSecrets = config.secrets().stream().anyMatch(s -> s.inject().mode() == io.dso.config.InjectMode.FILE);
    FileInjector files = fileSecrets ? new FileInjector(SecretsDir.prepare(options.secretsDir(), options.root())) : null;
    // Compose file references need the tmpfs only once a service uses one: prepared on first use.
    ComposeFiles composeFiles = new ComposeFiles(
        () -> files != null ? files.root() : SecretsDir.prepare(options.secretsDir(), options.root()));
    this.injector = new Injector(config, docker, sync, VersionKey.loadOrCreate(options.stateDir()), files,
        composeFiles, metrics, audit, redactor, clock);
    this.rotations = new RotationEngine(config, docker, injector,
        new RotationJournal(options.stateDir(), env.get("DSO_FAULT_CRASH_AFTER"), env.get("DSO_FAULT_PAUSE_AFTER")), metrics, audit, redactor, executor);
    // Every detected change passes the cooldown/debounce gate before it reaches containers.
    this.gate = new ChangeGate(config.agent().rotation().cooldown(), clock, gateScheduler,
        secret -> executor.submit(() -> rollOut(secret)));
    // A leased credential's successor skips the cooldown: waiting could outlast the old lease.
    sync.onChange(change -> {
      if (sync.leased(change.spec().name())) {
        executor.submit(() -> rollOut(change.spec().name()));
      } else {
        gate.changed(change.spec().name());
      }
    });
  }

  /**
   * Loads the config (auditing {@code config_load} either way) and builds an agent. Throws the
   * loader's exception when the config is invalid; nothing is started then.
   */
  public static Agent create(
      AgentOptions options, AuditLog audit, Redactor redactor, DockerEngine docker,
      Map<String, String> env, Clock clock, String version) {
    ProviderCatalog catalog = ProviderCatalog.discover(options.pluginsDir());
    catalog.problems().forEach(p -> LOG.error("plugin problem: {}", p));
    StateDir.prepare(options.stateDir());
    DsoConfig config;
    try {
      config = new ConfigLoader(env, catalog).load(options.config());
    } catch (RuntimeException e) {
      audit.record(
          AuditEvent.audit("config_load", null, null, "failed")
              .withExtra("path", String.valueOf(options.config()))
              .withExtra("error", redactor.redact(e.getMessage())));
      throw e;
    }
    audit.record(
        AuditEvent.audit("config_load", null, null, "success")
            .withExtra("path", config.source().toString())
            .withExtra("providers", config.providers().size())
            .withExtra("secrets", config.secrets().size()));
    return new Agent(config, options, audit, redactor, catalog, docker, env, clock, version);
  }

  public void start() {
    audit.record(
        AuditEvent.audit("agent_start", null, null, "success")
            .withExtra("pid", ProcessHandle.current().pid()));
    if (config.secrets().stream().anyMatch(s -> s.inject().mode() == io.dso.config.InjectMode.ENV)) {
      LOG.warn(
          "env injection: values set as container env vars are visible in 'docker inspect' and in"
              + " Docker's state on disk; use 'inject: file' (tmpfs) for production secrets");
    }
    dockerConnectivity.start();
    poller.start();
    events = docker.events(rotations::onEvent, connected -> {
      if (connected) {
        executor.submit(this::reconcileAllWhenFetched);
      }
    });
    LOG.info(
        "agent started: {} provider(s), {} secret(s), config {}",
        config.providers().size(), config.secrets().size(), config.source());
  }

  /** Rotates the holders of a changed secret, then retires the superseded credential if none still uses it. */
  private void rollOut(String secret) {
    if (dockerConnectivity.up()) {
      long t0 = System.nanoTime();
      boolean current = rotations.secretChanged(secret);
      sync.rolledOut(secret, current, Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  /** Once every secret had its first fetch, brings every target container up to date. */
  private void reconcileAllWhenFetched() {
    try {
      poller.awaitInitialFetch(Duration.ofSeconds(60));
      rotations.reconcileAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("reconciling containers failed: {}; will retry when Docker reconnects or a secret changes",
          redactor.redact(String.valueOf(e.getMessage())));
    }
  }

  public Injector injector() {
    return injector;
  }

  public boolean awaitInitialFetch(Duration timeout) throws InterruptedException {
    return poller.awaitInitialFetch(timeout);
  }

  /** Ready: the first fetch of every secret has been attempted and Docker answers. */
  public Readiness readiness() {
    boolean fetched = initialFetchDone();
    boolean dockerUp = dockerConnectivity.up();
    return new Readiness(fetched && dockerUp, fetched, dockerUp, docker.host());
  }

  private boolean initialFetchDone() {
    try {
      return poller.awaitInitialFetch(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** When this agent was built, and the build's version: for status views. */
  public Instant startedAt() {
    return startedAt;
  }

  public String version() {
    return version;
  }

  /** The containers this agent manages now; empty while Docker does not answer. */
  public List<io.dso.inject.Target> managedContainers() {
    return dockerConnectivity.up() ? injector.targets(docker.list(false)) : List.of();
  }

  public List<CachedSecret> secrets() {
    return cache.snapshot();
  }

  public DsoConfig config() {
    return config;
  }

  public DockerEngine docker() {
    return docker;
  }

  /**
   * Drops one secret from the cache on a user's request (a Compose project that used it went down),
   * audited {@code secret_purge} with that user; a declared secret is fetched again when next needed.
   * False when it was not cached.
   */
  public boolean purgeCached(String secret, String user) {
    Optional<CachedSecret> gone = cache.remove(secret);
    gone.ifPresent(s -> {
      metrics.forgetSecret(s.provider(), s.name());
      audit.record(new AuditEvent("audit", "secret_purge", user, s.provider(), s.name(), null, "success", Map.of()));
    });
    return gone.isPresent();
  }

  public DsoMetrics metrics() {
    return metrics;
  }

  public AuditLog audit() {
    return audit;
  }

  public ExecutorService executor() {
    return executor;
  }

  public SecretSync sync() {
    return sync;
  }

  /**
   * Drops one secret's value from the cache, audited as {@code secret_purge} by {@code user}; the
   * next lookup or poll fetches it again. False when it was not cached.
   */
  public boolean purge(String secret, String user) {
    return cache.remove(secret).map(gone -> {
      metrics.forgetSecret(gone.provider(), gone.name());
      audit.record(new AuditEvent("audit", "secret_purge", user, gone.provider(), gone.name(), null, "success", java.util.Map.of())
          .withExtra("reason", "requested"));
      return true;
    }).orElse(false);
  }

  /** The secret-update webhook logic behind {@code POST /api/events/secret-update}. */
  public WebhookTrigger webhook() {
    return webhook;
  }

  /**
   * Stops in an order that leaves no container half-rotated and no record unwritten: triggers and
   * Docker events first, then the rotations (drained for {@code agent.shutdown_timeout}, then rolled
   * back), the remaining tasks, the cache, the providers, Docker, and {@code agent_stop} as the
   * last audit record. Safe to call twice.
   */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    LOG.info("agent stopping");
    poller.close();
    gate.close();
    gateScheduler.shutdownNow();
    if (events != null) {
      try {
        events.close();
      } catch (Exception e) {
        LOG.debug("closing the event stream: {}", e.getMessage());
      }
    }
    Duration drain = config.agent().shutdownTimeout();
    if (!rotations.shutdown(drain, ROLLBACK_BOUND)) {
      LOG.error("rotations still running {} s after the stop began; their journal entries stay and the next start"
          + " finishes them", drain.plus(ROLLBACK_BOUND).toSeconds());
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(TASKS_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("some agent tasks were still running {} s after they were told to stop", TASKS_BOUND.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (CachedSecret s : cache.purge()) {
      metrics.forgetSecret(s.provider(), s.name());
      audit.record(AuditEvent.audit("secret_purge", s.provider(), s.name(), "success"));
    }
    redactor.forgetAll();
    providers.close();
    dockerConnectivity.close();
    docker.close();
    audit.record(
        AuditEvent.audit("agent_stop", null, null, "success")
            .withExtra("uptime_seconds", Duration.between(startedAt, clock.instant()).toSeconds()));
    stoppedLatch.countDown();
  }

  public void awaitStopped() throws InterruptedException {
    stoppedLatch.await();
  }

  @Override
  public void close() {
    stop();
  }

  /** What {@code /ready} reports. */
  public record Readiness(boolean ready, boolean secretsFetched, boolean dockerUp, String dockerHost) {}

}
