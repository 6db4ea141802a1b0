package io.dso.inject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.provider.SecretPayload;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plan for a Compose service container (one with a {@code dso.compose.env} label): only the
 * variables of its templates are set, rendered from current values, instead of every key of its
 * secrets. Value references count like env injection (the {@code dso.env.<secret>} version label
 * says which version the container was created with); file references live in the service's shared
 * directory (see {@link ComposeFiles}), rewritten in place when stale. A variable with a reference
 * this container's secrets do not declare (a local vault entry) keeps the value it was started with.
 */
final class ComposeInjection {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ComposeInjection() {}

  /** The templates of a {@code dso.compose.env} label; a malformed label is an error naming it. */
  static Map<String, String> templates(String containerName, String label) {
    try {
      Map<String, String> t = JSON.readValue(label, new TypeReference<LinkedHashMap<String, String>>() {});
      if (t == null || t.values().stream().anyMatch(v -> v == null)) {
        throw new IOException("null template");
      }
      return t;
    } catch (IOException e) {
      throw new InjectionException("container " + containerName + " label " + Labels.COMPOSE_ENV
          + " is not a JSON object of variable templates; recreate the service with 'dso up'");
    }
  }

  static InjectionPlan plan(ContainerDetails c, Target target, Map<SecretSpec, SecretPayload> payloads, VersionKey key,
      ComposeFiles files) {
    Map<String, String> labelsNow = c.labels();
    Map<String, String> templates = templates(c.name(), labelsNow.get(Labels.COMPOSE_ENV));
    String project = labelsNow.getOrDefault(Labels.COMPOSE_PROJECT, "");
    String service = labelsNow.getOrDefault(Labels.COMPOSE_SERVICE, c.name());
    Map<String, SecretSpec> declared = new HashMap<>();
    target.secrets().forEach(s -> declared.put(s.name(), s));

    Map<String, String> env = new LinkedHashMap<>();
    Set<SecretSpec> valueUsers = new LinkedHashSet<>();
    Map<String, ComposeRefs.Declared> fileRefs = new LinkedHashMap<>();
    for (Map.Entry<String, String> t : templates.entrySet()) {
      Map<ComposeRefs.Ref, ComposeRefs.Declared> resolved = new HashMap<>();
      for (ComposeRefs.Ref r : ComposeRefs.refs(t.getValue())) {
        ComposeRefs.declared(r.path(), n -> Optional.ofNullable(declared.get(n))).ifPresent(d -> resolved.put(r, d));
      }
      if (resolved.size() < new HashSet<>(ComposeRefs.refs(t.getValue())).size()) {
        continue; // a reference the agent does not poll: the variable keeps its value from 'up'
      }
      env.put(t.getKey(), ComposeRefs.render(t.getValue(), r -> {
        ComposeRefs.Declared d = resolved.get(r);
        if (r.file()) {
          fileRefs.put(r.path(), d);
          return ComposeFiles.containerPath(r.path());
        }
        valueUsers.add(d.spec());
        return ComposeRefs.pick(d.spec().name(), d.key(), payloads.get(d.spec()));
      }));
    }

    Map<String, String> labels = new HashMap<>();
    labels.put(Labels.MANAGED, "true");
    List<SecretSpec> needNew = new ArrayList<>();
    List<SecretSpec> never = new ArrayList<>();
    List<SecretSpec> stale = new ArrayList<>();
    for (SecretSpec s : valueUsers) {
      String version = key.version(s, payloads.get(s));
      String held = labelsNow.get(Labels.ENV_PREFIX + s.name());
      labels.put(Labels.ENV_PREFIX + s.name(), version);
      if (!version.equals(held)) {
        needNew.add(s);
        if (held == null) {
          never.add(s);
        }
      }
    }
    List<ContainerChange.BindMount> binds = new ArrayList<>();
    List<InjectionPlan.ComposeWrite> writes = new ArrayList<>();
    if (!fileRefs.isEmpty()) {
      String dir = files.filesDir(project, service).toString();
      boolean mounted = c.mounts().stream()
          .anyMatch(m -> m.destination().equals(ComposeFiles.MOUNT_TARGET) && dir.equals(m.source()));
      binds.add(new ContainerChange.BindMount(dir, ComposeFiles.MOUNT_TARGET, true));
      for (Map.Entry<String, ComposeRefs.Declared> f : fileRefs.entrySet()) {
        SecretSpec s = f.getValue().spec();
        String version = key.version(s, payloads.get(s));
        // Fail now, not while writing, when the key is missing.
        ComposeRefs.pick(s.name(), f.getValue().key(), payloads.get(s));
        boolean current = files.version(project, service, f.getKey()).map(version::equals).orElse(false);
        if (!current) {
          writes.add(new InjectionPlan.ComposeWrite(project, service, f.getKey(), s, f.getValue().key(), payloads.get(s), version));
        }
        if (!mounted) {
          addOnce(needNew, s);
          addOnce(never, s);
        } else if (!current) {
          addOnce(stale, s);
        }
      }
    }
    Set<String> dropped = new HashSet<>();
    labelsNow.keySet().stream()
        .filter(k -> (k.startsWith(Labels.ENV_PREFIX) || k.startsWith(Labels.FILE_PREFIX)) && !labels.containsKey(k))
        .forEach(dropped::add);
    return new InjectionPlan(c, target, new ContainerChange(env, labels, dropped, binds), needNew, stale, never,
        FileInjector.newGeneration(), List.of(), writes);
  }

  /** Rewrites the plan's stale files of a Compose service in its shared directory; false when writing failed (reported). */
  static boolean write(InjectionPlan plan, ComposeFiles files, Injector injector) {
    for (InjectionPlan.ComposeWrite w : plan.composeFiles()) {
      try {
        files.write(w.project(), w.service(), w.refPath(), ComposeRefs.pick(w.spec().name(), w.key(), w.payload()),
            w.version(), w.spec().inject().uid(), w.spec().inject().gid());
      } catch (InjectionException e) {
        injector.failed(plan.container().id(), w.spec(), e.getMessage());
        return false;
      }
    }
    return true;
  }

  private static void addOnce(List<SecretSpec> list, SecretSpec s) {
    if (!list.contains(s)) {
      list.add(s);
    }
  }
}
