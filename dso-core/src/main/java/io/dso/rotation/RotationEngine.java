package io.dso.rotation;

import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerDetails;
import io.dso.docker.ContainerEvent;
import io.dso.docker.ContainerSummary;
import io.dso.docker.DockerEngine;
import io.dso.docker.DockerOperationException;
import io.dso.inject.InjectionPlan;
import io.dso.inject.Injector;
import io.dso.inject.Labels;
import io.dso.inject.Target;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.Redactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out injection plans with each container's strategy: at most {@code max_parallel}
 * rotations at once, one per container; a change arriving during a container's rotation queues
 * exactly one follow-up, which works from the newest value.
 */
public final class RotationEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RotationEngine.class);

  /** Why a container is looked at: a secret changed, Docker told us about it, or a failed attempt is retried. */
  public enum Reason { CHANGE, CONTAINER, RETRY }

  /** A rotation that failed for a reason other than health is retried, with backoff, at most this often. */
  static final int MAX_RETRIES = 6;
  private static final Duration FIRST_RETRY = Duration.ofSeconds(5);

  private final DockerEngine docker;
  private final Injector injector;
  private final RotationJournal journal;
  private final RotationRecovery recovery;
  private final Strategies strategies;
  private final DsoMetrics metrics;
  private final AuditLog audit;
  private final Redactor redactor;
  private final ExecutorService executor;
  private final RotationScheduler scheduler;
  private final StopSignal stop = new StopSignal();
  /** Per container, the labels (secret versions) of the last rotation that failed: not retried on mere container events. */
  private final Map<String, Map<String, String>> failedTo = new ConcurrentHashMap<>();
  private final Map<String, Integer> retries = new ConcurrentHashMap<>();
  private final Map<String, SecretSpec> secretsByName;

  public RotationEngine(
      DsoConfig config, DockerEngine docker, Injector injector, RotationJournal journal, DsoMetrics metrics,
      AuditLog audit, Redactor redactor, ExecutorService executor) {
    this.docker = docker;
    this.injector = injector;
    this.journal = journal;
    this.secretsByName = config.secrets().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
        SecretSpec::name, spec -> spec, (a, b) -> a));
    this.recovery = new RotationRecovery(docker, journal, injector::isTarget, this::recovered);
    this.strategies = new Strategies(config, docker, audit, stop);
    this.metrics = metrics;
    this.audit = audit;
    this.redactor = redactor;
    this.executor = executor;
    this.scheduler = new RotationScheduler(config.agent().rotation().maxParallel(), executor, (name, reason) -> {
      try {
        rotate(name, reason);
      } catch (RuntimeException e) {
        LOG.error("container {}: {}", name, redactor.redact(String.valueOf(e.getMessage())));
      }
    });
    journal.pauseUntil(stop);
  }

  /**
   * Recovers interrupted rotations of containers that no rotation holds right now (all of them at
   * start; after a Docker reconnect a rotation in flight finishes or rolls back by itself), then
   * brings every target up to date; returns when all are done.
   */
  public void reconcileAll() {
    java.util.Set<String> held = new java.util.HashSet<>();
    try {
      recovery.recover(name -> held.contains(name) || (scheduler.tryHold(name) && held.add(name)));
    } finally {
      held.forEach(scheduler::release);
    }
    List<ContainerSummary> all = docker.list(true);
    injector.sweep(all);
    awaitAll(requestTargets(all, s -> true, Reason.CONTAINER));
  }

  /**
   * After {@code secret} changed: every container holding it, in a stable (name) order. True when,
   * afterwards, every running container that holds the secret is up to date (or there is none), so
   * that a superseded credential is no longer used by any of them.
   */
  public boolean secretChanged(String secret) {
    awaitAll(requestTargets(docker.list(false), s -> s.name().equals(secret), Reason.CHANGE));
    for (ContainerSummary c : docker.list(false)) {
      Target t = injector.target(c);
      if (t != null && t.secrets().stream().anyMatch(s -> s.name().equals(secret))
          && !injector.plan(c.name()).map(InjectionPlan::upToDate).orElse(true)) {
        return false;
      }
    }
    return true;
  }

  public void onEvent(ContainerEvent e) {
    if (e.name() == null || Labels.temporaryName(e.name())) {
      return;
    }
    switch (e.action()) {
      case "start", "rename" -> {
        request(e.name(), Reason.CONTAINER);
        executor.submit(this::recountManaged);
      }
      case "destroy" -> executor.submit(() -> {
        injector.containerRemoved(e.name());
        forget(e.name());
        recountManaged();
      });
      case "die" -> executor.submit(this::recountManaged);
      default -> { }
    }
  }

  /** Drops per-container state of a removed container, so that name churn does not grow memory. */
  private void forget(String name) {
    if (!scheduler.busy(name)) {
      failedTo.remove(name);
      retries.remove(name);
    }
    scheduler.forget(name);
  }

  /**
   * Stops the engine: no rotation starts any more; those in progress may finish for {@code drain},
   * then their health gates give up and they roll back, for at most {@code rollback} more. True when
   * none is left; a rollback that could not finish keeps its journal entry for the next start.
   */
  public boolean shutdown(Duration drain, Duration rollback) {
    try {
      return scheduler.stop(drain, stop::fire, rollback);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.fire();
      return false;
    }
  }

  /** Keeps dso_managed_containers true between full reconciles, as containers come and go. */
  private void recountManaged() {
    metrics.managedContainers((int) docker.list(false).stream().filter(injector::isTarget).count());
  }

  private List<java.util.concurrent.Future<?>> requestTargets(
      List<ContainerSummary> containers, java.util.function.Predicate<SecretSpec> which, Reason reason) {
    List<java.util.concurrent.Future<?>> work = new ArrayList<>();
    int managed = 0;
    List<ContainerSummary> sorted = containers.stream().sorted(Comparator.comparing(ContainerSummary::name)).toList();
    for (ContainerSummary c : sorted) {
      Target t = injector.target(c);
      if (t == null) {
        continue;
      }
      managed++;
      if (t.secrets().stream().anyMatch(which)) {
        work.add(request(c.name(), reason));
      }
    }
    metrics.managedContainers(managed);
    return work;
  }

  /** Asks for a rotation of {@code name}; returns a future that ends when this request is served. */
  public java.util.concurrent.Future<?> request(String name, Reason reason) {
    return scheduler.request(name, reason);
  }

  private void rotate(String name, Reason reason) {
    if (journal.has(name)) {
      // A rotation of this container was cut short earlier (Docker went away, or the agent stopped
      // mid-rollback): put it back in order first, while this rotation holds the container.
      recovery.recover(name::equals);
    }
    Optional<InjectionPlan> found = injector.plan(name);
    if (found.isEmpty() || found.get().upToDate()) {
      return;
    }
    InjectionPlan plan = found.get();
    ContainerDetails c = plan.container();
    Map<String, String> wanted = plan.change().setLabels();
    if (reason == Reason.CHANGE) {
      retries.remove(name);
    }
    if (reason == Reason.CONTAINER && wanted.equals(failedTo.get(name))) {
      // The rotation's own rename/start events must not retry a version that just failed (and stop the
      // serving container again, for ever); the next change of the secret tries again.
      LOG.debug("container {}: not retrying the rotation that failed on a container event", name);
      return;
    }
    RotationStrategy strategy = strategies.choose(plan);
    if (plan.needsNewContainer() && !strategy.replacesContainer()) {
      if (plan.firstInjectionOnly()) {
        // Values that were never in the container can only arrive in a new one.
        strategy = strategies.replacing(c, plan);
      } else {
        injector.writeInPlace(plan);
        notDelivered(plan, strategy, reason);
        return;
      }
    }
    // A replacing strategy gives the clone a new file generation and leaves the old one's files alone.
    if (strategy.replacesContainer() ? !injector.prepareGeneration(plan) : !injector.writeInPlace(plan)) {
      return;
    }
    if (!plan.needsNewContainer() && strategy.name().equals("none")) {
      if (reason == Reason.CHANGE) {
        record(plan, strategy, c.id(), true, Duration.ZERO, null);
      }
      return;
    }
    long t0 = System.nanoTime();
    try {
      if (!plan.firstInjectionOnly() && strategy.replacesContainer()) {
        // Named in the journal, so that recovery after a crash audits this rotation if it completes it.
        journal.delivering(name, plan.changed().stream().map(SecretSpec::name).toList());
      }
      String servingId = strategy.rotate(c, plan.change(), journal);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      for (SecretSpec s : strategy.replacesContainer() ? plan.changed() : plan.needNewContainer()) {
        injector.injected(servingId, s, strategy.name());
      }
      if (!plan.firstInjectionOnly()) {
        record(plan, strategy, servingId, true, took, null);
      }
      LOG.info("container {} rotated with strategy {} in {} ms", name, strategy.name(), took.toMillis());
      failedTo.remove(name);
      retries.remove(name);
    } catch (RotationFailedException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      String reasonText = redactor.redact(e.reason());
      // A Docker outage or the agent stopping says nothing about the new version: never a verdict.
      boolean outage = DockerOperationException.unreachable(e) || (!e.aborted() && !docker.ping());
      boolean verdict = !outage && !e.aborted();
      if (verdict) {
        failedTo.put(name, wanted);
      }
      LOG.warn("{}{}", redactor.redact(e.getMessage()),
          outage ? " (the Docker Engine did not answer: retried once it does)" : "");
      if (strategy.replacesContainer()) {
        metrics.rolledBack(strategy.name());
        audit.record(AuditEvent.audit("rotation_rollback", first(plan).provider(), first(plan).name(), e.rolledBack() ? "success" : "failed")
            .withContainer(c.id())
            .withExtra("strategy", strategy.name())
            .withExtra("step", e.step())
            .withExtra("cause", outage ? "docker_unreachable" : e.aborted() ? "agent_stopping" : "rotation")
            .withExtra("error", reasonText));
      }
      for (SecretSpec s : strategy.replacesContainer() ? plan.changed() : plan.needNewContainer()) {
        injector.failed(c.id(), s, e.getMessage());
      }
      record(plan, strategy, c.id(), false, took, reasonText);
      if (scheduler.stopping()) {
        return;
      }
      if (outage) {
        retryWhenDockerAnswers(name);
      } else if (e.retryable()) {
        scheduleRetry(name);
      }
    } finally {
      if (strategy.replacesContainer()) {
        injector.settleGenerations(plan);
      }
    }
  }

  /**
   * A failure outside the health gate (a Docker error, a name taken, a container removed under us)
   * may pass: try again after 5 s, 10 s, 20 s... at most {@link #MAX_RETRIES} times. A version that
   * failed its health gate is not retried until the secret changes again.
   */
  private void scheduleRetry(String name) {
    int attempt = retries.merge(name, 1, Integer::sum);
    if (attempt > MAX_RETRIES) {
      LOG.error("container {}: giving up after {} retries; the next change of its secrets tries again", name, MAX_RETRIES);
      retries.remove(name);
      return;
    }
    Duration wait = FIRST_RETRY.multipliedBy(1L << (attempt - 1));
    LOG.info("container {}: retrying the rotation in {} s (attempt {}/{})", name, wait.toSeconds(), attempt, MAX_RETRIES);
    executor.submit(() -> {
      try {
        Thread.sleep(wait);
        request(name, Reason.RETRY);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /**
   * After a Docker outage: once the daemon answers again (checked every second for up to 10
   * minutes), the container is looked at again; its journal entry, if any, is recovered first.
   */
  private void retryWhenDockerAnswers(String name) {
    executor.submit(() -> {
      try {
        for (int i = 0; i < 600 && !scheduler.stopping(); i++) {
          Thread.sleep(1_000);
          if (docker.ping()) {
            request(name, Reason.RETRY);
            return;
          }
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private void notDelivered(InjectionPlan plan, RotationStrategy strategy, Reason reason) {
    if (reason != Reason.CHANGE) {
      return;
    }
    String why = "strategy " + strategy.name() + " cannot deliver env values to a running container; the container keeps"
        + " the previous version (use rolling or restart for env-injected secrets, or inject: file)";
    LOG.warn("container {}: {}", plan.container().name(), why);
    record(plan, strategy, plan.container().id(), strategy.name().equals("none"), Duration.ZERO,
        strategy.name().equals("none") ? null : why);
  }

  private void record(InjectionPlan plan, RotationStrategy strategy, String containerId, boolean ok, Duration took, String error) {
    metrics.rotated(strategy.name(), ok, took);
    for (SecretSpec s : plan.changed()) {
      AuditEvent e = AuditEvent.audit("secret_rotate", s.provider(), s.name(), ok ? "success" : "failed")
          .withContainer(containerId)
          .withExtra("strategy", strategy.name())
          .withExtra("duration_ms", took.toMillis());
      audit.record(error == null ? e : e.withExtra("error", error));
    }
  }

  /**
   * A rotation that a crash or a stop interrupted and recovery completed: audited and counted as the
   * rotation it was (its duration is unknown, so 0), with {@code recovered: true}.
   */
  private void recovered(RotationJournal.Entry e, String servingId) {
    if (e.secrets().isEmpty()) {
      return; // a first injection, or a journal from before secret names were recorded
    }
    metrics.rotated(e.strategy(), true, Duration.ZERO);
    for (String secret : e.secrets()) {
      SecretSpec s = secretsByName.get(secret);
      audit.record(AuditEvent.audit("secret_rotate", s == null ? null : s.provider(), secret, "success")
          .withContainer(servingId)
          .withExtra("strategy", e.strategy())
          .withExtra("duration_ms", 0L)
          .withExtra("recovered", true));
    }
  }

  private static SecretSpec first(InjectionPlan plan) {
    return plan.changed().isEmpty() ? plan.target().secrets().getFirst() : plan.changed().getFirst();
  }

  private static void awaitAll(List<java.util.concurrent.Future<?>> work) {
    for (var f : work) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.error("rotation task failed: {}", e.getCause().getClass().getSimpleName());
      }
    }
  }

}
