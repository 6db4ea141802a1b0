package io.dso.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads the {@code secrets:} list: one entry at a time, then the checks that span entries. */
final class SecretReader {
  private static final List<String> KEYS =
      List.of("name", "provider", "inject", "rotation", "reload_strategy", "targets", "mappings");
  private static final List<String> RELOAD_KEYS = List.of("type", "signal");
  private static final List<String> TARGET_KEYS = List.of("containers", "labels", "allow_labels");
  private static final List<String> MAPPING_KEYS = List.of("name", "allow_reserved");
  static final List<String> SIGNALS = List.of("SIGHUP", "SIGUSR1", "SIGUSR2", "SIGTERM", "SIGINT", "SIGQUIT", "SIGWINCH");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern CONTAINER = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

  /** Where a mapping sets its target: the provider key and the value node. */
  private record Target(String key, Node node) {}

  /** A read secret with its mapping targets, kept for messages about clashes between secrets. */
  private record Read(String path, SecretSpec spec, Map<String, Target> targets) {}

  /** The first definition of a secret name, remembered even when that entry has other problems. */
  private record First(String path, int line) {}

  private final Values values;
  private final Problems problems;
  private final InjectReader inject;
  private final AgentReader agent;

  SecretReader(Values values, InjectReader inject, AgentReader agent) {
    this.values = values;
    this.problems = values.problems();
    this.inject = inject;
    this.agent = agent;
  }

  List<SecretSpec> read(Node node, List<String> providers, Defaults defaults) {
    if (node == null || Values.isNull(node)) {
      return List.of();
    }
    List<Node> items = values.list(node, "secrets");
    if (items == null) {
      return List.of();
    }
    List<Read> read = new ArrayList<>();
    Map<String, First> byName = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      Read r = one(items.get(i), "secrets[" + i + "]", providers, defaults, byName);
      if (r != null) {
        read.add(r);
      }
    }
    envClashes(read);
    return read.stream().map(Read::spec).toList();
  }

  private Read one(Node item, String path, List<String> providers, Defaults defaults, Map<String, First> byName) {
    YamlMap m = YamlMap.of(item, path, KEYS, problems);
    if (m == null) {
      return null;
    }
    String name = null;
    if (!m.has("name")) {
      problems.add(item, m.path("name"), "missing key; add name: <the secret's path in the provider, e.g. myapp/db>");
    } else {
      name = values.nonEmpty(m.get("name"), m.path("name"), "write the secret's path in the provider, e.g. myapp/db");
      if (name != null && name.chars().anyMatch(Character::isISOControl)) {
        problems.add(m.get("name"), m.path("name"), "contains control characters; write the name on one line");
        name = null;
      }
      if (name != null && byName.containsKey(name)) {
        First first = byName.get(name);
        problems.add(m.get("name"), m.path("name"), "duplicate secret '" + ((ScalarNode) m.get("name")).getValue()
            + "'; first defined on line " + first.line() + " (" + first.path() + "), remove one");
        name = null;
      } else if (name != null) {
        byName.put(name, new First(path, Problems.line(item)));
      }
    }
    String provider = provider(m, item, providers);
    InjectSpec injectSpec = inject.secret(m.get("inject"), m.path("inject"), defaults.inject(), item, name);
    boolean rotation = defaults.rotationEnabled();
    String strategy = null;
    if (m.has("rotation")) {
      AgentReader.RotationSwitch r = agent.rotationSwitch(m.get("rotation"), m.path("rotation"));
      rotation = AgentReader.or(r.enabled(), rotation);
      strategy = r.strategy();
    }
    ReloadStrategy reload = m.has("reload_strategy") ? reload(m.get("reload_strategy"), m.path("reload_strategy")) : null;
    Targets targets = targets(m);
    Map<String, Target> targetNodes = new LinkedHashMap<>();
    InjectMode mode = injectSpec != null ? injectSpec.mode() : InjectReader.declaredMode(m.get("inject"), defaults.inject());
    Set<String> allowReserved = new HashSet<>();
    Map<String, String> mappings = mappings(m, mode == InjectMode.FILE, targetNodes, allowReserved);
    if (name == null || provider == null || injectSpec == null || targets == null || mappings == null
        || (m.has("reload_strategy") && reload == null)) {
      return null;
    }
    SecretSpec spec = new SecretSpec(name, provider, injectSpec, rotation, strategy, reload, targets, mappings,
        Problems.line(item), allowReserved);
    return new Read(path, spec, targetNodes);
  }

  private String provider(YamlMap m, Node item, List<String> providers) {
    String configured = String.join(", ", providers);
    if (!m.has("provider")) {
      if (providers.size() > 1) {
        problems.add(item, m.path("provider"), "missing; " + providers.size() + " providers are configured ("
            + configured + "), so say which one: provider: <name>");
        return null;
      }
      return providers.isEmpty() ? null : providers.get(0);
    }
    String p = values.nonEmpty(m.get("provider"), m.path("provider"), "write one of: " + configured);
    if (p != null && !providers.contains(p)) {
      problems.add(m.get("provider"), m.path("provider"), "unknown provider '" + ((ScalarNode) m.get("provider")).getValue()
          + "'; configured providers: " + (providers.isEmpty() ? "none" : configured), Suggestions.hint(p, providers));
      return null;
    }
    return p;
  }

  private ReloadStrategy reload(Node node, String path) {
    if (node instanceof ScalarNode) {
      String type = values.choice(node, path, AgentReader.STRATEGIES);
      return type == null ? null : new ReloadStrategy(type, type.equals("signal") ? "SIGHUP" : null);
    }
    YamlMap m = YamlMap.of(node, path, RELOAD_KEYS, problems);
    if (m == null) {
      return null;
    }
    if (!m.has("type")) {
      problems.add(node, m.path("type"), "missing key; add type: with one of " + String.join(", ", AgentReader.STRATEGIES));
      return null;
    }
    String type = values.choice(m.get("type"), m.path("type"), AgentReader.STRATEGIES);
    String signal = m.has("signal") ? values.choice(m.get("signal"), m.path("signal"), SIGNALS) : "SIGHUP";
    if (type == null || signal == null) {
      return null;
    }
    if (!type.equals("signal")) {
      if (m.has("signal")) {
        problems.add(m.keyNode("signal"), m.path("signal"), "only used with type: signal; remove it or set type: signal");
        return null;
      }
      signal = null;
    }
    return new ReloadStrategy(type, signal);
  }

  private Targets targets(YamlMap secret) {
    Node node = secret.get("targets");
    if (node == null || Values.isNull(node)) {
      return Targets.NONE;
    }
    YamlMap m = YamlMap.of(node, secret.path("targets"), TARGET_KEYS, problems);
    if (m == null) {
      return null;
    }
    int before = problems.size();
    List<String> containers = new ArrayList<>();
    if (m.has("containers")) {
      List<Node> items = values.list(m.get("containers"), m.path("containers"));
      for (int i = 0; items != null && i < items.size(); i++) {
        String path = m.path("containers") + "[" + i + "]";
        String c = values.nonEmpty(items.get(i), path, "write a container name");
        if (c != null && !CONTAINER.matcher(c).matches()) {
          problems.add(items.get(i), path, "invalid container name '" + ((ScalarNode) items.get(i)).getValue()
              + "'; Docker names are letters, digits, '_', '.' and '-', starting with a letter or digit");
        } else if (c != null) {
          containers.add(c);
        }
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (m.has("labels") && !Values.isNull(m.get("labels"))) {
      YamlMap l = YamlMap.of(m.get("labels"), m.path("labels"), null, problems);
      for (String key : l == null ? List.<String>of() : l.keys()) {
        String v = values.string(l.get(key), l.path(key));
        if (v != null) {
          labels.put(key, v);
        }
      }
    }
    Boolean allowLabels = m.has("allow_labels") ? values.bool(m.get("allow_labels"), m.path("allow_labels")) : Boolean.FALSE;
    return problems.size() == before && allowLabels != null ? new Targets(containers, labels, allowLabels) : null;
  }

  /**
   * A mapping is {@code KEY: NAME}, or {@code KEY: {name: NAME, allow_reserved: true}} to set an env var
   * that is reserved for the loader, the shell or a runtime.
   */
  private Map<String, String> mappings(YamlMap secret, boolean files, Map<String, Target> targetNodes, Set<String> allowReserved) {
    Node node = secret.get("mappings");
    if (node == null || Values.isNull(node)) {
      return Map.of();
    }
    YamlMap m = YamlMap.of(node, secret.path("mappings"), null, problems);
    if (m == null) {
      return null;
    }
    int before = problems.size();
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : m.keys()) {
      String path = m.path(key);
      Node v = m.get(key);
      boolean allowed = false;
      if (v instanceof MappingNode) {
        YamlMap entry = YamlMap.of(v, path, MAPPING_KEYS, problems);
        if (entry == null) {
          continue;
        }
        if (!entry.has("name")) {
          problems.add(v, entry.path("name"), "missing key; add name: <" + (files ? "file name" : "env var name") + ">");
          continue;
        }
        if (entry.has("allow_reserved")) {
          Boolean b = values.bool(entry.get("allow_reserved"), entry.path("allow_reserved"));
          if (files && b != null) {
            problems.add(entry.keyNode("allow_reserved"), entry.path("allow_reserved"), "only for env injection; remove it");
            continue;
          }
          allowed = Boolean.TRUE.equals(b);
        }
        path = entry.path("name");
        v = entry.get("name");
      }
      String target = values.nonEmpty(v, path, files ? "write a file name" : "write an env var name");
      if (target == null) {
        continue;
      }
      String raw = "'" + ((ScalarNode) v).getValue() + "'";
      Optional<String> reserved = files ? Optional.empty() : ReservedEnvNames.reason(target);
      if (files && (target.contains("/") || target.equals(".") || target.equals(".."))) {
        problems.add(v, path, "file name " + raw + " must be a plain name without '/' or '..', e.g. db_password");
      } else if (!files && !ENV_NAME.matcher(target).matches()) {
        problems.add(v, path, "invalid env var name " + raw + "; a mapping is provider_key: ENV_NAME, and an env name uses letters, digits and '_', not starting with a digit");
      } else if (reserved.isPresent() && !allowed) {
        problems.add(v, path, "env var " + raw + " is " + reserved.get() + "; map the key to another name, or write " + key
            + ": { name: " + target + ", allow_reserved: true } if the secret must set it");
      } else if (targetNodes.containsKey(target)) {
        Target first = targetNodes.get(target);
        problems.add(v, path, (files ? "file " : "env var ") + raw + " is already set from key " + first.key() + " (line "
            + Problems.line(first.node()) + "); map each target from one key only");
      } else {
        targetNodes.put(target, new Target(key, v));
        out.put(key, target);
        if (allowed) {
          allowReserved.add(target);
        }
      }
    }
    return problems.size() == before ? out : null;
  }

  /**
   * Two secrets must not set the same env var in one container: which value wins would be arbitrary.
   * Known here: the same named container, or label selectors one container can match both of (no
   * label key with two different values). Containers that ask by their own label are checked at injection.
   */
  private void envClashes(List<Read> read) {
    // Only env secrets with a selector and mappings can clash this way: pair those alone, not all secrets.
    List<Read> selected = read.stream()
        .filter(r -> env(r) && !r.spec().targets().labels().isEmpty() && !r.targets().isEmpty()).toList();
    for (int i = 0; i < selected.size(); i++) {
      Read a = selected.get(i);
      for (int j = i + 1; j < selected.size(); j++) {
        Read b = selected.get(j);
        if (overlap(a.spec().targets().labels(), b.spec().targets().labels())) {
          for (Map.Entry<String, Target> target : b.targets().entrySet()) {
            if (a.targets().containsKey(target.getKey())) {
              Node node = target.getValue().node();
              problems.add(node, b.path() + ".mappings." + target.getValue().key(), "env var " + ((ScalarNode) node).getValue()
                  + " is also injected by " + a.path() + " (line " + a.spec().line() + ") into containers matching both label"
                  + " selectors " + a.spec().targets().labels() + " and " + b.spec().targets().labels() + "; rename one of them");
            }
          }
        }
      }
    }
    Map<String, Read> owner = new HashMap<>();
    for (Read r : read) {
      if (r.spec().inject().mode() != InjectMode.ENV) {
        continue;
      }
      for (String container : r.spec().targets().containers()) {
        for (Map.Entry<String, Target> target : r.targets().entrySet()) {
          Read first = owner.putIfAbsent(container + "\0" + target.getKey(), r);
          Node node = target.getValue().node();
          if (first != null && first != r) {
            problems.add(node, r.path() + ".mappings." + target.getValue().key(), "env var " + ((ScalarNode) node).getValue() + " is also injected into container '"
                + container + "' by " + first.path() + " (line " + first.spec().line() + "); rename one of them");
          }
        }
      }
    }
  }

  private static boolean env(Read r) {
    return r.spec().inject().mode() == InjectMode.ENV;
  }

  /** Whether one container could carry every label of both non-empty selectors. */
  private static boolean overlap(Map<String, String> a, Map<String, String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return false;
    }
    return a.entrySet().stream().allMatch(e -> !b.containsKey(e.getKey()) || b.get(e.getKey()).equals(e.getValue()));
  }
}
