package io.dso.migrate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes a {@link MigrationPlan} from a Compose project without touching the vault or the disk.
 * A variable reaches a service through {@code ${VAR}} interpolation (its value from the project's
 * {@code .env}) or through an {@code env_file:}. A secret gets the vault entry
 * {@code <project>/<variable in lower case>}; when the same variable has different values in
 * different files, each service's env_file value gets {@code <project>/<service>/<variable>}.
 */
public final class MigrationPlanner {
  /** Where to look and what to override; null means the default. */
  public record Options(Path dir, String composeFile, String envFile, String project,
      Set<String> select, Set<String> exclude, String output) {
    public Options {
      select = Set.copyOf(select);
      exclude = Set.copyOf(exclude);
    }
  }

  /** One way a variable's value reaches a service (service null: the top level of the file). */
  record Binding(String variable, String value, String source, String service, boolean viaEnvFile) {
    @Override
    public String toString() {
      return "Binding[" + variable + " from " + source + "]";
    }
  }

  private MigrationPlanner() {}

  public static MigrationPlan plan(Options options) {
    ComposeProject project = ComposeProject.load(options.dir(), options.composeFile(), options.envFile(), options.project());
    // Written beside the Compose file, so that its relative paths (env_file, build, volumes) still hold.
    String output = options.output() != null ? options.output()
        : project.composeDir().isEmpty() ? "docker-compose.dso.yml" : project.composeDir() + "/docker-compose.dso.yml";
    List<String> warnings = new ArrayList<>();
    project.projectEnv().problems().forEach(p -> warnings.add(p.toString()));
    project.envFiles().values().stream().filter(e -> e != project.projectEnv())
        .forEach(e -> e.problems().forEach(p -> warnings.add(p.toString())));
    warnings.addAll(project.warnings());

    Map<String, List<Binding>> bindings = bindings(project, warnings);
    for (String v : options.select()) {
      if (!bindings.containsKey(v)) {
        throw new MigrateException("--select " + v + ": no service uses a variable " + v
            + " from " + project.projectEnv().file() + " or an env_file; check the name (case matters)", 2);
      }
    }
    for (String v : options.exclude()) {
      if (!bindings.containsKey(v) && !project.projectEnv().entries().containsKey(v)) {
        throw new MigrateException("--exclude " + v + ": no variable " + v + " in the project; check the name (case matters)", 2);
      }
    }

    List<MigrationPlan.Secret> secrets = new ArrayList<>();
    List<MigrationPlan.Kept> kept = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    // variable -> "interpolation" or "env_file:SERVICE" -> vault name
    Map<String, Map<String, String>> names = new TreeMap<>();
    for (Map.Entry<String, List<Binding>> e : bindings.entrySet()) {
      String variable = e.getKey();
      List<Binding> bs = e.getValue();
      List<String> services = services(bs);
      Binding first = bs.getFirst();
      Optional<String> why = options.exclude().contains(variable) ? Optional.empty()
          : options.select().contains(variable) ? Optional.of("selected with --select")
          : bs.stream().map(b -> SecretClassifier.why(variable, b.value())).flatMap(Optional::stream).findFirst();
      if (why.isEmpty() || bs.stream().allMatch(b -> b.value().isEmpty())) {
        String reason = options.exclude().contains(variable) ? "excluded with --exclude"
            : bs.stream().allMatch(b -> b.value().isEmpty()) ? "empty value" : "does not look secret";
        kept.add(new MigrationPlan.Kept(variable, services, reason, first.source()));
        continue;
      }
      // An empty value is nothing to protect: that binding stays as it is.
      boolean oneValue = bs.stream().map(Binding::value).filter(v -> !v.isEmpty()).distinct().count() == 1;
      Map<String, MigrationPlan.Secret> bySource = new LinkedHashMap<>();
      Map<String, String> perService = new LinkedHashMap<>();
      for (Binding b : bs) {
        if (b.value().isEmpty()) {
          continue;
        }
        String vault = project.name() + "/"
            + (oneValue || !b.viaEnvFile() ? "" : b.service() + "/") + variable.toLowerCase(Locale.ROOT);
        perService.put(b.viaEnvFile() ? "env_file:" + b.service() : "interpolation", vault);
        values.put(vault, b.value());
        bySource.merge(vault,
            new MigrationPlan.Secret(variable, vault, b.service() == null ? List.of() : List.of(b.service()),
                why.get(), b.value().length(), b.source()),
            (a, c) -> new MigrationPlan.Secret(variable, vault, union(a.services(), c.services()),
                a.reason(), a.length(), a.source()));
      }
      secrets.addAll(bySource.values());
      names.put(variable, perService);
    }
    for (DotEnv.Entry unused : project.projectEnv().entries().values()) {
      if (!bindings.containsKey(unused.key())) {
        String reason = unused.key().startsWith("COMPOSE_") ? "read by Compose itself" : "not used by any service";
        kept.add(new MigrationPlan.Kept(unused.key(), List.of(), reason,
            project.projectEnv().file() + ":" + unused.line()));
      }
    }
    kept.sort((a, b) -> a.variable().compareTo(b.variable()));
    secrets.sort((a, b) -> a.variable().equals(b.variable())
        ? a.vaultName().compareTo(b.vaultName()) : a.variable().compareTo(b.variable()));

    String text = ComposeRewriter.rewrite(project, names, output, warnings);
    List<String> envFiles = new ArrayList<>(new LinkedHashSet<>(project.envFiles().keySet()));
    if (!project.projectEnv().entries().isEmpty() || project.projectEnv().problems().size() > 0) {
      envFiles.remove(project.projectEnv().file());
      envFiles.addFirst(project.projectEnv().file());
    }
    return new MigrationPlan(project.name(), project.dir(), project.composeFile(), envFiles, output,
        secrets, kept, warnings, text, values);
  }

  /**
   * Every variable a service takes from a file: interpolated from the project env file (anywhere in
   * the Compose file, or as a value-less {@code environment} entry), or set by one of its env_files
   * and not overridden by its {@code environment}.
   */
  private static Map<String, List<Binding>> bindings(ComposeProject project, List<String> warnings) {
    Map<String, List<Binding>> out = new TreeMap<>();
    DotEnv env = project.projectEnv();
    Map<String, Set<String>> interpolated = new LinkedHashMap<>();
    ComposeRewriter.walk(project.compose(), "", (path, value) -> {
      String service = ComposeRewriter.serviceOf(path);
      for (Interpolation.Use u : Interpolation.uses(value)) {
        if (u.takesValue() && env.entries().containsKey(u.name())) {
          interpolated.computeIfAbsent(u.name(), k -> new TreeSet<>()).add(service == null ? "" : service);
        }
      }
    });
    ComposeServices.each(project.compose(), (service, body) -> {
      Map<String, String> environment = ComposeServices.environment(body);
      environment.forEach((k, v) -> {
        if (v == null && env.entries().containsKey(k)) {
          interpolated.computeIfAbsent(k, x -> new TreeSet<>()).add(service);
        }
        if (v != null && Interpolation.uses(v).isEmpty() && SecretClassifier.why(k, v).isPresent()) {
          warnings.add("service " + service + " sets " + k + " in " + project.composeFile()
              + " itself and it looks secret; move it to " + env.file() + " as ${" + k + "} and migrate again");
        }
      });
      Map<String, DotEnv.Entry> effective = new LinkedHashMap<>();
      for (String f : project.serviceEnvFiles().getOrDefault(service, List.of())) {
        effective.putAll(project.envFiles().get(f).entries());
      }
      effective.forEach((k, entry) -> {
        if (!environment.containsKey(k)) {
          out.computeIfAbsent(k, x -> new ArrayList<>()).add(new Binding(k, entry.value(),
              fileOf(project, entry) + ":" + entry.line(), service, true));
        }
      });
    });
    interpolated.forEach((k, services) -> {
      DotEnv.Entry entry = env.entries().get(k);
      for (String s : services) {
        out.computeIfAbsent(k, x -> new ArrayList<>()).addFirst(
            new Binding(k, entry.value(), env.file() + ":" + entry.line(), s.isEmpty() ? null : s, false));
      }
    });
    return out;
  }

  private static String fileOf(ComposeProject project, DotEnv.Entry entry) {
    return project.envFiles().entrySet().stream()
        .filter(f -> f.getValue().entries().get(entry.key()) == entry)
        .map(Map.Entry::getKey).findFirst().orElse("?");
  }

  private static List<String> services(List<Binding> bs) {
    return bs.stream().map(Binding::service).filter(s -> s != null).distinct().sorted().toList();
  }

  private static List<String> union(List<String> a, List<String> b) {
    TreeSet<String> s = new TreeSet<>(a);
    s.addAll(b);
    return List.copyOf(s);
  }
}
