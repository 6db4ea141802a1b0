package io.dso.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.api.ApiException;
import io.dso.config.SecretSpec;
import io.dso.inject.ComposeFiles;
import io.dso.inject.ComposeRefs;
import io.dso.inject.InjectionException;
import io.dso.inject.Labels;
import io.dso.provider.SecretPayload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a plan request into per-service env values, mounts and labels. Everything is resolved
 * first and only then is anything written, so a bad reference anywhere leaves nothing behind.
 * Labels hold references and HMAC versions only, never a value.
 */
final class Planning {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DEFAULT_STRATEGY = "rolling";

  /** One reference resolved: the secret (declared, or a vault entry) and the key its value comes from. */
  private record Resolved(String secret, SecretSpec spec, String key, SecretPayload payload, boolean file) {}

  /** A value ready to be written as a file once every reference resolved. */
  private record PendingFile(String service, String refPath, String value, String version, SecretSpec spec) {}

  private final PlanSources sources;

  Planning(PlanSources sources) {
    this.sources = sources;
  }

  ComposePlan.Response plan(ComposePlan.Request request) {
    String project = request.project();
    if (!ComposeFiles.validName(project)) {
      throw new ApiException(400, "Compose project name '" + project + "' is not usable; use letters, digits, '_', '.', '-'"
          + " (set it with -p or COMPOSE_PROJECT_NAME)");
    }
    List<ComposePlan.ServicePlan> out = new ArrayList<>();
    List<PendingFile> pending = new ArrayList<>();
    boolean anyDeclared = false;
    for (ComposePlan.ServiceRequest svc : request.services()) {
      if (!ComposeFiles.validName(svc.service())) {
        throw new ApiException(400, "Compose service name '" + svc.service() + "' is not usable; use letters, digits, '_', '.', '-'");
      }
      Map<String, String> env = new TreeMap<>();
      Map<String, String> templates = new TreeMap<>();
      Map<String, TreeSet<String>> uses = new TreeMap<>();
      TreeSet<String> declaredUsed = new TreeSet<>();
      Map<String, String> versions = new TreeMap<>();
      boolean files = false;
      for (Map.Entry<String, String> var : new TreeMap<>(svc.env()).entrySet()) {
        String template = var.getValue();
        if (template == null || !EnvTemplate.hasReference(template)) {
          continue;
        }
        templates.put(var.getKey(), template);
        StringBuilder rendered = new StringBuilder();
        for (EnvTemplate.Part part : EnvTemplate.parse(template).parts()) {
          if (!part.isReference()) {
            rendered.append(part.literal());
            continue;
          }
          boolean file = part.kind() == EnvTemplate.Kind.FILE;
          Resolved r = resolve(svc.service(), var.getKey(), file, part.path());
          String value = pick(svc.service(), var.getKey(), r);
          uses.computeIfAbsent(r.secret() + "\u0000" + (file ? "file" : "env"), k -> new TreeSet<>())
              .add(r.key() != null ? r.key() : singleKey(r.payload()));
          if (r.spec() != null) {
            declaredUsed.add(r.secret());
            String version = request.dryRun() ? null : sources.version(r.spec(), r.payload());
            if (!file && version != null) {
              versions.put(Labels.ENV_PREFIX + r.secret(), version);
            }
          }
          if (file) {
            files = true;
            if (!request.dryRun()) {
              pending.add(new PendingFile(svc.service(), part.path(), value,
                  r.spec() == null ? "vault" : sources.version(r.spec(), r.payload()), r.spec()));
            }
            rendered.append(ComposeFiles.containerPath(part.path()));
          } else {
            rendered.append(value);
          }
        }
        if (!request.dryRun()) {
          env.put(var.getKey(), rendered.toString());
        }
      }
      anyDeclared |= !declaredUsed.isEmpty();
      out.add(new ComposePlan.ServicePlan(svc.service(), env, mounts(request, project, svc.service(), files),
          labels(project, svc.service(), templates, declaredUsed, versions), secretUses(uses)));
    }
    for (PendingFile f : pending) {
      try {
        sources.files().write(project, f.service(), f.refPath(), f.value(), f.version(),
            f.spec() == null ? null : f.spec().inject().uid(), f.spec() == null ? null : f.spec().inject().gid());
      } catch (InjectionException e) {
        throw new ApiException(500, "service '" + f.service() + "': " + e.getMessage());
      }
    }
    return new ComposePlan.Response(project, out, sources.rotating() && anyDeclared);
  }

  private List<ComposePlan.Mount> mounts(ComposePlan.Request request, String project, String service, boolean files) {
    if (!files) {
      return List.of();
    }
    if (sources.files() == null) {
      throw new ApiException(400, "service '" + service + "' uses dsofile:// references, but no tmpfs secrets directory"
          + " is available here; start the agent ('dso agent') or use dso:// instead");
    }
    // A dry run prepares nothing, not even the directory: it names only where the files would appear.
    String source = request.dryRun() ? null : sources.files().filesDir(project, service).toString();
    return List.of(new ComposePlan.Mount(source, ComposeFiles.MOUNT_TARGET));
  }

  static Map<String, String> labels(String project, String service, Map<String, String> templates,
      TreeSet<String> declared, Map<String, String> versions) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (!declared.isEmpty()) {
      labels.put(Labels.RELOADER, "true");
      labels.put(Labels.SECRETS, String.join(",", declared));
    }
    labels.put(Labels.STRATEGY, DEFAULT_STRATEGY);
    labels.put(Labels.COMPOSE_PROJECT, project);
    labels.put(Labels.COMPOSE_SERVICE, service);
    try {
      labels.put(Labels.COMPOSE_ENV, JSON.writeValueAsString(templates));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always encodes", e);
    }
    labels.putAll(versions);
    return labels;
  }

  private static List<ComposePlan.SecretUse> secretUses(Map<String, TreeSet<String>> uses) {
    List<ComposePlan.SecretUse> out = new ArrayList<>();
    uses.forEach((k, keys) -> {
      int sep = k.indexOf('\u0000');
      out.add(new ComposePlan.SecretUse(k.substring(0, sep), List.copyOf(keys), k.substring(sep + 1)));
    });
    return out;
  }

  private Resolved resolve(String service, String variable, boolean file, String path) {
    String where = "service '" + service + "', variable " + variable + ": " + (file ? "dsofile://" : "dso://") + path;
    if (!ComposeRefs.safePath(path)) {
      throw new ApiException(400, where + ": a '.' or '..' segment is not allowed in a reference; name the secret plainly");
    }
    Optional<ComposeRefs.Declared> d = ComposeRefs.declared(path, sources::declared);
    if (d.isPresent()) {
      SecretSpec spec = d.get().spec();
      return new Resolved(spec.name(), spec, d.get().key(), sources.payload(spec), file);
    }
    if (sources.vault()) {
      Optional<SecretPayload> entry = sources.vaultEntry(path);
      if (entry.isPresent()) {
        return new Resolved(path, null, null, entry.get(), file);
      }
    }
    String hint = sources.vault()
        ? "declare it under secrets: in dso.yaml, or add it to the local vault with 'dso secret set " + path + "'"
        : "declare it under secrets: in dso.yaml (declared: " + sources.declaredNames() + ")";
    throw new ApiException(404, where + ": no such secret; " + hint);
  }

  private static String pick(String service, String variable, Resolved r) {
    try {
      return ComposeRefs.pick(r.secret(), r.key(), r.payload());
    } catch (InjectionException e) {
      throw new ApiException(404, "service '" + service + "', variable " + variable + ": " + e.getMessage());
    }
  }

  private static String singleKey(SecretPayload p) {
    return p.values().size() == 1 ? p.values().keySet().iterator().next() : "value";
  }
}
