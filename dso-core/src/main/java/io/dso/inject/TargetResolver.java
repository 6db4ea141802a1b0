package io.dso.inject;

import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerSummary;
import io.dso.LogText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which running containers receive which secrets: label {@code dso.reloader=true} with
 * {@code dso.secrets=a,b}, or a name in {@code secrets[].targets.containers}, or all labels of
 * {@code secrets[].targets.labels}. A container with a bad label is reported and left untouched.
 */
public final class TargetResolver {
  /** Strategies a container may ask for with {@code dso.update.strategy}. */
  public static final Set<String> STRATEGIES = Set.of("rolling", "restart", "signal", "none", "auto");

  /** The outcome for one container: a target, or the reason it is left alone. */
  public record Resolution(Target target, String error) {}

  private final DsoConfig config;

  public TargetResolver(DsoConfig config) {
    this.config = config;
  }

  /** Resolves one container; null when it is not a target at all. */
  public Resolution resolve(ContainerSummary c) {
    if (Labels.temporaryName(c.name()) || !"running".equals(c.state())) {
      return null;
    }
    Map<String, String> labels = c.labels();
    Set<SecretSpec> wanted = new LinkedHashSet<>();
    if ("true".equalsIgnoreCase(labels.getOrDefault(Labels.RELOADER, ""))) {
      String list = labels.getOrDefault(Labels.SECRETS, "").trim();
      if (list.isEmpty()) {
        return new Resolution(null, "container " + c.name() + " has " + Labels.RELOADER + "=true but no "
            + Labels.SECRETS + " label; add " + Labels.SECRETS + "=<name>[,<name>]");
      }
      for (String raw : list.split(",")) {
        String name = raw.trim();
        var spec = config.secret(name);
        if (spec.isEmpty()) {
          return new Resolution(null, "container " + c.name() + " label " + Labels.SECRETS + " names unknown secret '"
              + LogText.echo(name) + "'; configured secrets: " + config.secrets().stream().map(SecretSpec::name).toList());
        }
        wanted.add(spec.get());
      }
    }
    for (SecretSpec s : config.secrets()) {
      if (s.targets().containers().contains(c.name())
          || (!s.targets().labels().isEmpty() && s.targets().labels().entrySet().stream()
              .allMatch(e -> e.getValue().equals(labels.get(e.getKey()))))) {
        wanted.add(s);
      }
    }
    if (wanted.isEmpty()) {
      return null;
    }
    String strategy = labels.get(Labels.STRATEGY);
    if (strategy != null && !STRATEGIES.contains(strategy)) {
      return new Resolution(null, "container " + c.name() + " label " + Labels.STRATEGY + "='" + LogText.echo(strategy)
          + "' is not a strategy; use one of " + new java.util.TreeSet<>(STRATEGIES));
    }
    List<SecretSpec> ordered = new ArrayList<>();
    config.secrets().forEach(s -> {
      if (wanted.contains(s)) {
        ordered.add(s);
      }
    });
    return new Resolution(new Target(c.id(), c.name(), ordered, strategy), null);
  }
}
