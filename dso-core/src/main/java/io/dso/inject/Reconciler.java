package io.dso.inject;

import io.dso.cache.SecretSync;
import io.dso.config.DsoConfig;
import io.dso.config.InjectMode;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.docker.ContainerEvent;
import io.dso.docker.ContainerSummary;
import io.dso.docker.DockerEngine;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.Redactor;
import io.dso.provider.SecretPayload;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every target container to the current version of its secrets, statelessly: what a
 * container holds is read from Docker (labels, mounts) and the tmpfs directory, compared with the
 * cache, and fixed. File-mode updates rewrite files in place; env values and a missing mount need
 * a new container. One operation per container at a time; {@code max_parallel} at most at once.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final DsoConfig config;
  private final DockerEngine docker;
  private final SecretSync sync;
  private final VersionKey key;
  private final FileInjector files;
  private final Recreator recreator;
  private final TargetResolver resolver;
  private final DsoMetrics metrics;
  private final AuditLog audit;
  private final Redactor redactor;
  private final Clock clock;
  private final ExecutorService executor;
  private final Semaphore parallel;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  public Reconciler(
      DsoConfig config, DockerEngine docker, SecretSync sync, VersionKey key, FileInjector files,
      Recreator recreator, DsoMetrics metrics, AuditLog audit, Redactor redactor, Clock clock, ExecutorService executor) {
    this.config = config;
    this.docker = docker;
    this.sync = sync;
    this.key = key;
    this.files = files;
    this.recreator = recreator;
    this.resolver = new TargetResolver(config);
    this.metrics = metrics;
    this.audit = audit;
    this.redactor = redactor;
    this.clock = clock;
    this.executor = executor;
    this.parallel = new Semaphore(config.agent().rotation().maxParallel());
  }

  /** Finishes interrupted replacements, then reconciles every target and sweeps orphan secret dirs. */
  public void reconcileAll() {
    List<ContainerSummary> all = docker.list(true);
    if (!recreator.recover(all).isEmpty()) {
      all = docker.list(true);
    }
    sweep(all);
    reconcileMatching(all, s -> true);
  }

  /** Reconciles the containers that hold {@code secret}, after it changed. */
  public void secretChanged(String secret) {
    reconcileMatching(docker.list(false), s -> s.name().equals(secret));
  }

  private void reconcileMatching(List<ContainerSummary> containers, java.util.function.Predicate<SecretSpec> which) {
    List<Future<?>> work = new ArrayList<>();
    int managed = 0;
    for (ContainerSummary c : containers) {
      TargetResolver.Resolution r = resolver.resolve(c);
      if (r == null) {
        continue;
      }
      if (r.error() != null) {
        reportBadTarget(c, r.error());
        continue;
      }
      managed++;
      if (r.target().secrets().stream().anyMatch(which)) {
        work.add(executor.submit(() -> reconcile(c.name())));
      }
    }
    metrics.managedContainers(managed);
    for (Future<?> f : work) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.error("reconcile failed: {}", redactor.redact(String.valueOf(e.getCause().getMessage())));
      }
    }
  }

  /** Reacts to a container event: new or renamed containers are reconciled, removed ones wiped. */
  public void onEvent(ContainerEvent e) {
    if (e.name() == null || Labels.temporaryName(e.name())) {
      return;
    }
    switch (e.action()) {
      case "start", "rename" -> executor.submit(() -> {
        reconcile(e.name());
        recountManaged();
      });
      case "destroy" -> executor.submit(() -> {
        if (files != null && docker.inspect(e.name()).isEmpty()) {
          files.wipe(e.name());
        }
        recountManaged();
      });
      case "die" -> executor.submit(this::recountManaged);
      default -> { }
    }
  }

  /** Sets the managed-containers gauge from the running containers, after an event changed them. */
  private void recountManaged() {
    int managed = 0;
    for (ContainerSummary c : docker.list(false)) {
      TargetResolver.Resolution r = resolver.resolve(c);
      if (r != null && r.error() == null) {
        managed++;
      }
    }
    metrics.managedContainers(managed);
  }

  /** Reconciles one container by name; safe to call concurrently (serialized per name). */
  public void reconcile(String name) {
    ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
    lock.lock();
    try {
      parallel.acquire();
      try {
        reconcileLocked(name);
      } finally {
        parallel.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("container {}: {}", name, redactor.redact(String.valueOf(e.getMessage())));
    } finally {
      lock.unlock();
    }
  }

  private void reconcileLocked(String name) {
    Optional<ContainerDetails> found = docker.inspect(name);
    if (found.isEmpty() || !found.get().running()) {
      return;
    }
    ContainerDetails c = found.get();
    TargetResolver.Resolution r = resolver.resolve(
        new ContainerSummary(c.id(), c.name(), c.image(), c.labels(), c.running() ? "running" : c.status()));
    if (r == null) {
      return;
    }
    if (r.error() != null) {
      reportBadTarget(new ContainerSummary(c.id(), c.name(), c.image(), c.labels(), "running"), r.error());
      return;
    }
    Map<SecretSpec, SecretPayload> payloads = new LinkedHashMap<>();
    for (SecretSpec s : r.target().secrets()) {
      Optional<SecretPayload> p = sync.lookup(s);
      if (p.isEmpty()) {
        failed(c, s, "secret '" + s.name() + "' has never been fetched successfully from provider '" + s.provider()
            + "'; the container is left as it is until it is");
        return;
      }
      payloads.put(s, p.get());
    }
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> labels = new HashMap<>();
    List<ContainerChange.BindMount> binds = new ArrayList<>();
    List<SecretSpec> newlyInjected = new ArrayList<>();
    List<SecretSpec> rewritten = new ArrayList<>();
    labels.put(Labels.MANAGED, "true");
    try {
      for (var e : payloads.entrySet()) {
        SecretSpec s = e.getKey();
        String version = key.version(s, e.getValue());
        if (s.inject().mode() == InjectMode.ENV) {
          env.putAll(Materials.env(s, e.getValue()));
          labels.put(Labels.ENV_PREFIX + s.name(), version);
          if (!version.equals(c.labels().get(Labels.ENV_PREFIX + s.name()))) {
            newlyInjected.add(s);
          }
        } else {
          String source = files.dataDir(c.name(), s.name()).toString();
          boolean mounted = c.mounts().stream()
              .anyMatch(m -> m.destination().equals(s.inject().path()) && m.source().equals(source));
          boolean current = files.meta(c.name(), s.name()).map(m -> m.version().equals(version)).orElse(false);
          if (!current) {
            files.write(c.name(), s, e.getValue(), version, clock.instant());
          }
          labels.put(Labels.FILE_PREFIX + s.name(), s.inject().path());
          binds.add(new ContainerChange.BindMount(source, s.inject().path(), true));
          if (!mounted) {
            newlyInjected.add(s);
          } else if (!current) {
            rewritten.add(s);
          }
        }
      }
    } catch (InjectionException ex) {
      failed(c, null, ex.getMessage());
      return;
    }
    rewritten.forEach(s -> injected(c.id(), s, "in place"));
    if (newlyInjected.isEmpty()) {
      return;
    }
    Set<String> stale = new java.util.HashSet<>();
    c.labels().keySet().stream()
        .filter(k -> (k.startsWith(Labels.ENV_PREFIX) || k.startsWith(Labels.FILE_PREFIX)) && !labels.containsKey(k))
        .forEach(stale::add);
    String newId;
    try {
      newId = recreator.replace(c, new ContainerChange(env, labels, stale, binds));
    } catch (RuntimeException ex) {
      newlyInjected.forEach(s -> failed(c, s, ex.getMessage()));
      return;
    }
    LOG.info("container {} recreated with {} secret(s) ({} -> {})", name, payloads.size(), c.shortId(), newId.substring(0, 12));
    newlyInjected.forEach(s -> injected(newId, s, "recreated"));
  }

  /** Describes what the agent injected into a container, from its labels and the tmpfs meta. */
  public Optional<ContainerReport> describe(String name) {
    Optional<ContainerDetails> found = docker.inspect(name);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ContainerDetails c = found.get();
    List<ContainerReport.Entry> entries = new ArrayList<>();
    c.labels().forEach((k, v) -> {
      if (k.startsWith(Labels.ENV_PREFIX)) {
        String secret = k.substring(Labels.ENV_PREFIX.length());
        List<String> keys = config.secret(secret).map(s -> envKeys(s)).orElse(List.of());
        entries.add(new ContainerReport.Entry(secret, "env", null, keys, v.substring(0, Math.min(12, v.length())), c.startedAt()));
      } else if (k.startsWith(Labels.FILE_PREFIX) && files != null) {
        String secret = k.substring(Labels.FILE_PREFIX.length());
        var meta = files.meta(c.name(), secret);
        entries.add(new ContainerReport.Entry(secret, "file", v, meta.map(FileInjector.Meta::files).orElse(List.of()),
            meta.map(m -> m.version().substring(0, 12)).orElse(null), meta.map(FileInjector.Meta::injectedAt).orElse(null)));
      }
    });
    entries.sort(java.util.Comparator.comparing(ContainerReport.Entry::secret));
    return Optional.of(new ContainerReport(c.id(), c.name(), entries));
  }

  private List<String> envKeys(SecretSpec s) {
    if (!s.mappings().isEmpty()) {
      return List.copyOf(s.mappings().values());
    }
    return sync.cached(s.name()).map(p -> List.copyOf(p.values().keySet())).orElse(List.of());
  }

  private void injected(String containerId, SecretSpec s, String how) {
    String mode = s.inject().mode() == InjectMode.ENV ? "env" : "file";
    metrics.injected(mode, true);
    audit.record(new AuditEvent("audit", "secret_inject", AuditEvent.SYSTEM, s.provider(), s.name(), null, "success", Map.of())
        .withContainer(containerId)
        .withExtra("mode", mode)
        .withExtra("how", how));
  }

  private void failed(ContainerDetails c, SecretSpec s, String error) {
    String mode = s == null ? null : s.inject().mode() == InjectMode.ENV ? "env" : "file";
    if (mode != null) {
      metrics.injected(mode, false);
    }
    String safe = redactor.redact(error);
    LOG.warn("container {}: {}", c.name(), safe);
    audit.record(new AuditEvent("audit", "secret_inject", AuditEvent.SYSTEM, s == null ? null : s.provider(),
            s == null ? null : s.name(), null, "failed", Map.of())
        .withContainer(c.id())
        .withExtra("error", safe));
  }

  private void reportBadTarget(ContainerSummary c, String error) {
    LOG.warn("{} (left untouched)", error);
    audit.record(new AuditEvent("audit", "secret_inject", AuditEvent.SYSTEM, null, null, null, "failed", Map.of())
        .withContainer(c.id())
        .withExtra("error", error));
  }

  private void sweep(List<ContainerSummary> all) {
    if (files == null) {
      return;
    }
    Set<String> names = new java.util.HashSet<>();
    all.forEach(c -> names.add(c.name()));
    for (String dir : files.containers()) {
      if (!names.contains(dir)) {
        files.wipe(dir);
        LOG.info("removed secret files of container {} (it no longer exists)", dir);
      }
    }
  }
}
