package io.dso.inject;

import io.dso.config.DsoConfig;
import io.dso.config.LabelTargeting;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerSummary;
import io.dso.LogText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which running containers receive which secrets: label {@code dso.reloader=true} with
 * {@code dso.secrets=a,b}, or a name in {@code secrets[].targets.containers}, or all labels of
 * {@code secrets[].targets.labels}. A container with a bad label is reported and left untouched.
 * Under {@code agent.label_targeting: restricted} the {@code dso.secrets} label only works for a
 * secret that sets {@code targets.allow_labels: true} or whose {@code targets.labels} the container
 * matches; the other secrets it names are refused (and reported), the allowed ones still delivered.
 */
public final class TargetResolver {
  /** Strategies a container may ask for with {@code dso.update.strategy}. */
  public static final Set<String> STRATEGIES = Set.of("rolling", "restart", "signal", "none", "auto");

  /**
   * The outcome for one container: a target, or the reason it is left alone; {@code refused} names
   * the secrets its label asked for but the label policy did not grant (one message per secret).
   */
  public record Resolution(Target target, String error, List<String> refused) {
    public Resolution {
      refused = List.copyOf(refused);
    }

    Resolution(Target target, String error) {
      this(target, error, List.of());
    }
  }

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
    Map<SecretSpec, String> refused = new LinkedHashMap<>();
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
        if (labelMayAsk(spec.get(), labels)) {
          wanted.add(spec.get());
        } else {
          refused.put(spec.get(), "container " + c.name() + " label " + Labels.SECRETS + " asks for secret '" + name
              + "', which is refused: agent.label_targeting is restricted and the secret does not allow labels;"
              + " set targets.allow_labels: true on the secret or name the container in targets.containers");
        }
      }
    }
    for (SecretSpec s : config.secrets()) {
      if (s.targets().containers().contains(c.name()) || matchesSelector(s, labels)) {
        wanted.add(s);
      }
    }
    refused.keySet().removeAll(wanted); // also named in targets.containers or matched by targets.labels
    if (wanted.isEmpty()) {
      return refused.isEmpty() ? null : new Resolution(null, String.join("; ", refused.values()));
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
    return new Resolution(new Target(c.id(), c.name(), ordered, strategy), null, List.copyOf(refused.values()));
  }

  private boolean labelMayAsk(SecretSpec s, Map<String, String> labels) {
    return config.agent().labelTargeting() == LabelTargeting.OPEN || s.targets().allowLabels() || matchesSelector(s, labels);
  }

  private static boolean matchesSelector(SecretSpec s, Map<String, String> labels) {
    return !s.targets().labels().isEmpty()
        && s.targets().labels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
