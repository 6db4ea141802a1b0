package io.dso.inject;

import io.dso.cache.SecretSync;
import io.dso.config.DsoConfig;
import io.dso.config.InjectMode;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out, statelessly, what a container needs to hold the current version of its secrets: what
 * it holds is read from Docker (labels, mounts) and the tmpfs directory, compared with the cache,
 * and returned as an {@link InjectionPlan}. Planning writes nothing; the rotation engine applies
 * the plan (in-place file updates, or a new file generation for a replacement container).
 */
public final class Injector {
  private static final Logger LOG = LoggerFactory.getLogger(Injector.class);

  private final DsoConfig config;
  private final DockerEngine docker;
  private final SecretSync sync;
  private final VersionKey key;
  private final FileInjector files;
  private final ComposeFiles composeFiles;
  private final TargetResolver resolver;
  private final DsoMetrics metrics;
  private final AuditLog audit;
  private final Redactor redactor;
  private final Clock clock;
  private final Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Injector(
      DsoConfig config, DockerEngine docker, SecretSync sync, VersionKey key, FileInjector files,
      DsoMetrics metrics, AuditLog audit, Redactor redactor, Clock clock) {
    this(config, docker, sync, key, files, null, metrics, audit, redactor, clock);
  }

  /** @param composeFiles where {@code dsofile://} references of Compose services live; null: none are served */
  public Injector(
      DsoConfig config, DockerEngine docker, SecretSync sync, VersionKey key, FileInjector files,
      ComposeFiles composeFiles, DsoMetrics metrics, AuditLog audit, Redactor redactor, Clock clock) {
    this.composeFiles = composeFiles;
    this.config = config;
    this.docker = docker;
    this.sync = sync;
    this.key = key;
    this.files = files;
    this.resolver = new TargetResolver(config);
    this.metrics = metrics;
    this.audit = audit;
    this.redactor = redactor;
    this.clock = clock;
  }

  /** Resolves a listed container; bad labels are reported (audited) and give null. */
  public Target target(ContainerSummary c) {
    TargetResolver.Resolution r = resolver.resolve(c);
    if (r == null) {
      return null;
    }
    r.refused().forEach(refusal -> reportBadTarget(c.id(), refusal));
    if (r.error() != null) {
      reportBadTarget(c.id(), r.error());
      return null;
    }
    return r.target();
  }

  /** Whether a listed container is a valid target, without reporting anything (for counting). */
  public boolean isTarget(ContainerSummary c) {
    TargetResolver.Resolution r = resolver.resolve(c);
    return r != null && r.error() == null;
  }

  /**
   * The plan for one running target container; empty when it is not a (valid) target or a secret
   * cannot be had (reported). Nothing is written and Docker is only read: a plan may be discarded.
   */
  public Optional<InjectionPlan> plan(String name) {
    Optional<ContainerDetails> found = docker.inspect(name);
    if (found.isEmpty() || !found.get().running() || Labels.temporaryName(found.get().name())) {
      return Optional.empty();
    }
    ContainerDetails c = found.get();
    Target target = target(new ContainerSummary(c.id(), c.name(), c.image(), c.labels(), "running"));
    if (target == null) {
      return Optional.empty();
    }
    Map<SecretSpec, SecretPayload> payloads = new LinkedHashMap<>();
    for (SecretSpec s : target.secrets()) {
      Optional<SecretPayload> p = sync.lookup(s);
      if (p.isEmpty()) {
        failed(c.id(), s, "secret '" + s.name() + "' has never been fetched successfully from provider '"
            + s.provider() + "'; the container is left as it is until it is");
        return Optional.empty();
      }
      payloads.put(s, p.get());
    }
    if (c.labels().containsKey(Labels.COMPOSE_ENV) && composeFiles != null) {
      try {
        return Optional.of(ComposeInjection.plan(c, target, payloads, key, composeFiles));
      } catch (InjectionException ex) {
        failed(c.id(), null, ex.getMessage());
        return Optional.empty();
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> labels = new HashMap<>();
    List<ContainerChange.BindMount> binds = new ArrayList<>();
    List<SecretSpec> needNew = new ArrayList<>();
    List<SecretSpec> stale = new ArrayList<>();
    List<SecretSpec> never = new ArrayList<>();
    List<InjectionPlan.FileWrite> writes = new ArrayList<>();
    String next = FileInjector.newGeneration();
    labels.put(Labels.MANAGED, "true");
    try {
      EnvCollisions.check(payloads);
      for (var e : payloads.entrySet()) {
        SecretSpec s = e.getKey();
        String version = key.version(s, e.getValue());
        if (s.inject().mode() == InjectMode.ENV) {
          env.putAll(Materials.env(s, e.getValue()));
          String held = c.labels().get(Labels.ENV_PREFIX + s.name());
          labels.put(Labels.ENV_PREFIX + s.name(), version);
          if (!version.equals(held)) {
            needNew.add(s);
            if (held == null) {
              never.add(s);
            }
          }
        } else {
          // Fail now, not halfway through writing, when the payload does not fit the mappings.
          Materials.files(s, e.getValue());
          String serving = servingGeneration(c, s);
          boolean current = serving != null
              && files.meta(c.name(), serving, s.name()).map(m -> m.version().equals(version)).orElse(false);
          writes.add(new InjectionPlan.FileWrite(s, e.getValue(), version, serving, current));
          labels.put(Labels.FILE_PREFIX + s.name(), s.inject().path());
          binds.add(new ContainerChange.BindMount(files.dataDir(c.name(), next, s.name()).toString(), s.inject().path(), true));
          if (serving == null) {
            needNew.add(s);
            never.add(s);
          } else if (!current) {
            stale.add(s);
          }
        }
      }
    } catch (InjectionException ex) {
      failed(c.id(), null, ex.getMessage());
      return Optional.empty();
    }
    Set<String> dropped = new HashSet<>();
    c.labels().keySet().stream()
        .filter(k -> (k.startsWith(Labels.ENV_PREFIX) || k.startsWith(Labels.FILE_PREFIX)) && !labels.containsKey(k))
        .forEach(dropped::add);
    return Optional.of(new InjectionPlan(c, target, new ContainerChange(env, labels, dropped, binds), needNew, stale, never,
        next, writes));
  }

  /** The generation of the agent's files {@code c} mounts at the secret's path, or null. */
  private String servingGeneration(ContainerDetails c, SecretSpec s) {
    return c.mounts().stream()
        .filter(m -> m.destination().equals(s.inject().path()))
        .map(m -> files.generationOf(c.name(), s.name(), m.source()))
        .flatMap(Optional::stream)
        .findFirst()
        .orElse(null);
  }

  /**
   * Carries out the in-place half of a plan: rewrites each stale file in the serving container's
   * own generation (atomically) and audits it; false when writing failed (reported).
   */
  public boolean writeInPlace(InjectionPlan plan) {
    if (!writeCompose(plan)) {
      return false;
    }
    return files == null || generations().writeInPlace(plan);
  }

  /**
   * Fills the plan's new generation with every file-mode secret, before the replacement container
   * that mounts it is created; false when writing failed (reported, nothing left behind).
   */
  public boolean prepareGeneration(InjectionPlan plan) {
    if (!writeCompose(plan)) {
      return false;
    }
    return files == null || generations().prepare(plan);
  }

  /**
   * After a replacing rotation, whatever its outcome: wipes the generations of the container that no
   * container mounts any more (the replaced container's after success, the clone's after a rollback).
   */
  public void settleGenerations(InjectionPlan plan) {
    if (files != null) {
      generations().settle(plan);
    }
  }

  private boolean writeCompose(InjectionPlan plan) {
    return plan.composeFiles().isEmpty() || ComposeInjection.write(plan, composeFiles, this);
  }

  /** The version label value of a secret's payload as this agent injects it (the HMAC, never a plain hash). */
  public String version(SecretSpec spec, SecretPayload payload) {
    return key.version(spec, payload);
  }

  /** The directory of Compose file references, or null when this agent serves none. */
  public ComposeFiles composeFiles() {
    return composeFiles;
  }

  private FileGenerations generations() {
    return new FileGenerations(files, docker, this, clock);
  }

  /** Records that {@code s} reached container {@code containerId}; {@code how}: recreated, in place, rolling... */
  public void injected(String containerId, SecretSpec s, String how) {
    String mode = mode(s);
    metrics.injected(mode, true);
    audit.record(new AuditEvent("audit", "secret_inject", AuditEvent.SYSTEM, s.provider(), s.name(), null, "success", Map.of())
        .withContainer(containerId)
        .withExtra("mode", mode)
        .withExtra("how", how));
  }

  /** Records a failed injection; {@code s} may be null when the failure is the container's. */
  public void failed(String containerId, SecretSpec s, String error) {
    if (s != null) {
      metrics.injected(mode(s), false);
    }
    String safe = redactor.redact(error);
    LOG.warn("container {}: {}", containerId.substring(0, Math.min(12, containerId.length())), safe);
    audit.record(new AuditEvent("audit", "secret_inject", AuditEvent.SYSTEM, s == null ? null : s.provider(),
            s == null ? null : s.name(), null, "failed", Map.of())
        .withContainer(containerId)
        .withExtra("error", safe));
  }

  private static String mode(SecretSpec s) {
    return s.inject().mode() == InjectMode.ENV ? "env" : "file";
  }

  private void reportBadTarget(String containerId, String error) {
    // Once per container and problem: every event of a mislabelled container would repeat it.
    if (reported.size() > 10_000) {
      reported.clear();
    }
    if (!reported.add(containerId + "|" + error)) {
      return;
    }
    LOG.warn("{} (left untouched)", error);
    audit.record(new AuditEvent("audit", "secret_inject", AuditEvent.SYSTEM, null, null, null, "failed", Map.of())
        .withContainer(containerId)
        .withExtra("error", error));
  }

  /** Removes the secret files of a container that no longer exists (generations still mounted stay). */
  public void containerRemoved(String name) {
    if (files != null) {
      generations().retire(name);
    }
  }

  /** Removes every generation of secret files that no existing container mounts. */
  public void sweep(List<ContainerSummary> all) {
    if (files != null) {
      generations().sweep(all);
    }
  }

  /** The version of {@code payload} as this agent labels it (HMAC prefix, 12 hex), for API answers. */
  public String versionOf(SecretSpec s, SecretPayload payload) {
    return key.version(s, payload).substring(0, 12);
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
        List<String> keys = config.secret(secret).map(this::envKeys).orElse(List.of());
        entries.add(new ContainerReport.Entry(secret, "env", null, keys, v.substring(0, Math.min(12, v.length())), c.startedAt()));
      } else if (k.startsWith(Labels.FILE_PREFIX) && files != null) {
        String secret = k.substring(Labels.FILE_PREFIX.length());
        var meta = c.mounts().stream().filter(m -> m.destination().equals(v)).findFirst()
            .flatMap(m -> files.metaOfMount(m.source()));
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
}
