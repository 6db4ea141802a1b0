package io.dso.config;

import static io.dso.config.DialectNodes.child;
import static io.dso.config.DialectNodes.find;
import static io.dso.config.DialectNodes.get;
import static io.dso.config.DialectNodes.integer;
import static io.dso.config.DialectNodes.map;
import static io.dso.config.DialectNodes.remove;
import static io.dso.config.DialectNodes.scalar;
import static io.dso.config.DialectNodes.set;
import static io.dso.config.DialectNodes.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Rewrites a dso.yaml written for the original Docker Secret Operator into the native form, in place on
 * the node tree and before any value is expanded, and records every form it recognised. The native
 * readers then run unchanged on the result, so both spellings have exactly one meaning.
 */
final class DialectTranslator {
  /** What the translation found: the forms, and the file's logging wish. */
  record Result(List<DialectForm> forms, LogSettings logging, NodeTuple loggingSection) {}

  static final String ORIGINAL_FILE_DIR = "/run/secrets/dso";
  private static final Pattern VERSION = Pattern.compile("v?1(\\.\\d+){0,2}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");
  private static final List<String> FORMATS = List.of("text", "json");
  /** Agent keys of the original that do nothing here, and why. */
  private static final List<String> NO_EFFECT_AGENT = List.of("auto_sync");

  private final Problems problems;
  private final Values values;
  private final List<DialectForm> forms = new ArrayList<>();
  private NodeTuple loggingSection;

  DialectTranslator(Values values) {
    this.values = values;
    this.problems = values.problems();
  }

  Result translate(MappingNode root) {
    version(root);
    mode(root);
    LogSettings logging = logging(root);
    new ProviderDialect(problems, forms).translate(root);
    agent(root);
    Node filesDir = defaults(root);
    secrets(root, filesDir);
    forms.sort(java.util.Comparator.comparingInt(DialectForm::line));
    return new Result(List.copyOf(forms), logging, loggingSection);
  }

  private void version(MappingNode root) {
    Node v = get(root, "version");
    String text = text(v);
    if (text != null && !text.equals("1") && VERSION.matcher(text).matches()) {
      set(root, "version", scalar("1", v), v);
      forms.add(form("version string '" + text + "'", v, "version", "version: 1"));
    }
  }

  private void mode(MappingNode root) {
    Node m = get(root, "mode");
    String text = text(m);
    if ("agent".equals(text) || "local".equals(text)) {
      remove(root, "mode");
      forms.add(new DialectForm("mode: " + text, line(m), "mode", "the command you run decides (dso agent runs the agent)", true));
    }
  }

  LogSettings logging(MappingNode root) {
    // logging: is honoured as the original wrote it; it is read here and taken out of the tree for the readers.
    NodeTuple t = find(root, "logging");
    if (t == null || !(t.getValueNode() instanceof MappingNode)) {
      return LogSettings.NONE; // absent, or not a mapping: the top-level reader reports it as before
    }
    loggingSection = remove(root, "logging");
    YamlMap m = YamlMap.of(t.getValueNode(), "logging", List.of("level", "format"), problems);
    if (m == null) {
      return LogSettings.NONE;
    }
    String level = m.has("level") ? values.choice(lower(m.get("level")), m.path("level"), LEVELS) : null;
    String format = m.has("format") ? values.choice(lower(m.get("format")), m.path("format"), FORMATS) : null;
    return new LogSettings(level, format);
  }

  private static Node lower(Node n) {
    return n instanceof ScalarNode s && !s.getValue().contains("${") ? scalar(s.getValue().toLowerCase(Locale.ROOT), s) : n;
  }

  private void agent(MappingNode root) {
    MappingNode agent = map(root, "agent");
    if (agent == null) {
      return;
    }
    for (String key : NO_EFFECT_AGENT) {
      NodeTuple t = remove(agent, key);
      if (t != null) {
        forms.add(new DialectForm("agent." + key, line(t.getKeyNode()), "agent." + key,
            "accepted, but it has no effect in this implementation; remove it", true));
      }
    }
    MappingNode watch = map(agent, "watch");
    NodeTuple hook = watch == null ? null : find(watch, "webhook");
    if (hook != null) {
      if (get(agent, "webhook") != null) {
        problems.add(hook.getKeyNode(), "agent.watch.webhook", "the webhook is configured twice; keep agent.webhook only");
      } else {
        remove(watch, "webhook");
        set(agent, "webhook", hook.getValueNode(), hook.getKeyNode());
        forms.add(form("webhook under watch", hook.getKeyNode(), "agent.watch.webhook", "agent.webhook"));
      }
    }
    MappingNode rotation = map(agent, "rotation");
    NodeTuple enabled = rotation == null ? null : remove(rotation, "enabled");
    if (enabled != null) {
      MappingNode defaults = child(root, "defaults", enabled.getKeyNode());
      Node existing = defaults == null ? null : get(defaults, "rotation");
      if (existing == null || Values.isNull(existing)) {
        MappingNode r = child(defaults, "rotation", enabled.getKeyNode());
        set(r, "enabled", enabled.getValueNode(), enabled.getKeyNode());
      } else if (existing instanceof MappingNode r && get(r, "enabled") == null) {
        set(r, "enabled", enabled.getValueNode(), enabled.getKeyNode());
      }
      forms.add(form("agent.rotation.enabled", enabled.getKeyNode(), "agent.rotation.enabled", "defaults.rotation.enabled"));
    }
    restartStrategy(agent);
  }

  private void restartStrategy(MappingNode agent) {
    MappingNode restart = map(agent, "restart_strategy");
    NodeTuple type = restart == null ? null : find(restart, "type");
    if (type == null) {
      return;
    }
    String t = text(type.getValueNode());
    String strategy = "all-at-once".equals(t) ? "restart" : t;
    remove(restart, "type");
    if (!List.of("rolling", "restart", "none").contains(strategy)) {
      problems.add(type.getValueNode(), "agent.restart_strategy.type", "unknown restart strategy", "one of rolling, all-at-once, none");
      return;
    }
    if (restart.getValue().isEmpty()) {
      remove(agent, "restart_strategy");
    }
    MappingNode rotation = child(agent, "rotation", type.getKeyNode());
    if (rotation == null) {
      return;
    }
    String became = "agent.rotation.strategy: " + strategy;
    if (get(rotation, "strategy") == null) {
      set(rotation, "strategy", scalar(strategy, type.getValueNode()), type.getKeyNode());
    } else {
      became = "agent.rotation.strategy as written (it wins)";
    }
    if ("all-at-once".equals(t)) {
      set(rotation, "max_parallel", integer(64, type.getValueNode()), type.getKeyNode());
      became += ", agent.rotation.max_parallel: 64";
    }
    forms.add(form("restart_strategy.type: " + t, type.getKeyNode(), "agent.restart_strategy.type", became));
  }

  /** Moves defaults.rotation.health_check_timeout; returns the node of defaults.inject.path (taken out), or null. */
  private Node defaults(MappingNode root) {
    MappingNode defaults = map(root, "defaults");
    if (defaults == null) {
      return null;
    }
    MappingNode rotation = map(defaults, "rotation");
    NodeTuple health = rotation == null ? null : remove(rotation, "health_check_timeout");
    if (health != null) {
      MappingNode agent = child(root, "agent", health.getKeyNode());
      MappingNode ar = agent == null ? null : child(agent, "rotation", health.getKeyNode());
      if (ar != null && get(ar, "health_check_timeout") == null) {
        set(ar, "health_check_timeout", health.getValueNode(), health.getKeyNode());
      }
      forms.add(form("defaults.rotation.health_check_timeout", health.getKeyNode(), "defaults.rotation.health_check_timeout",
          "agent.rotation.health_check_timeout"));
    }
    MappingNode inject = map(defaults, "inject");
    NodeTuple path = inject == null ? null : remove(inject, "path");
    if (path != null) {
      if (get(inject, "type") == null) {
        set(inject, "type", scalar("file", path.getKeyNode()), path.getKeyNode());
      }
      forms.add(form("defaults.inject.path", path.getKeyNode(), "defaults.inject.path",
          "secrets[].inject.path: <that directory>/<secret name> for each file secret without its own path"));
      return path.getValueNode();
    }
    return null;
  }

  private void secrets(MappingNode root, Node filesDir) {
    if (!(get(root, "secrets") instanceof SequenceNode list)) {
      return;
    }
    MappingNode defaults = map(root, "defaults");
    boolean defaultFile = defaults != null && isFile(get(defaults, "inject"));
    List<Node> items = list.getValue();
    List<Runnable> paths = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof MappingNode s) {
        String at = "secrets[" + i + "]";
        signal(at, s);
        mappings(at, s, defaultFile);
        paths.add(() -> filePath(at, s, filesDir, defaultFile));
      }
    }
    // A file secret without any path is an error in a native file; only a file written the original way gets the original's place.
    if (!forms.isEmpty() || filesDir != null) {
      paths.forEach(Runnable::run);
    }
  }

  private void signal(String at, MappingNode s) {
    MappingNode rotation = map(s, "rotation");
    NodeTuple signal = rotation == null ? null : find(rotation, "signal");
    if (signal == null || !"signal".equals(text(get(rotation, "strategy")))) {
      return;
    }
    remove(rotation, "signal");
    if (get(s, "reload_strategy") == null) {
      MappingNode reload = child(s, "reload_strategy", signal.getKeyNode());
      set(reload, "type", scalar("signal", signal.getKeyNode()), signal.getKeyNode());
      set(reload, "signal", signal.getValueNode(), signal.getKeyNode());
    }
    forms.add(form("rotation.signal", signal.getKeyNode(), at + ".rotation.signal", at + ".reload_strategy.signal"));
  }

  /** The rule is provider_key: ENV_NAME; an entry whose value cannot be an env name but whose key can was written the other way. */
  private void mappings(String at, MappingNode s, boolean defaultFile) {
    MappingNode m = map(s, "mappings");
    Node inject = get(s, "inject");
    if (m == null || (inject == null ? defaultFile : isFile(inject))) {
      return;
    }
    List<NodeTuple> out = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      String k = text(t.getKeyNode());
      String v = text(t.getValueNode());
      // Only a value with lower-case letters reads as a provider key; "DB-USER" or "1X" are misspelt env names, reported as such.
      if (k != null && v != null && !v.contains("${") && !ENV_NAME.matcher(v).matches() && !v.equals(v.toUpperCase(Locale.ROOT))
          && ENV_NAME.matcher(k).matches() && k.equals(k.toUpperCase(Locale.ROOT))) {
        out.add(new NodeTuple(scalar(v, t.getValueNode()), scalar(k, t.getKeyNode())));
        forms.add(form("mapping written ENV_NAME: provider_key", t.getKeyNode(), at + ".mappings." + k,
            at + ".mappings: provider key first"));
      } else {
        out.add(t);
      }
    }
    m.setValue(out);
  }

  private void filePath(String at, MappingNode s, Node filesDir, boolean defaultFile) {
    Node inject = get(s, "inject");
    String name = text(get(s, "name"));
    if (name == null || (inject == null ? !defaultFile : !isFile(inject))) {
      return;
    }
    if (inject instanceof MappingNode m && get(m, "path") != null) {
      return;
    }
    String last = name.substring(name.lastIndexOf('/') + 1);
    String dir = filesDir == null ? ORIGINAL_FILE_DIR : text(filesDir);
    if (dir == null || last.isEmpty()) {
      return;
    }
    Node near = inject == null ? s : inject;
    MappingNode spec;
    if (inject instanceof MappingNode m) {
      spec = m;
    } else {
      spec = DialectNodes.mapping(near);
      set(spec, "type", scalar("file", near), near);
      set(s, "inject", spec, near);
    }
    String path = dir.replaceAll("/+$", "") + "/" + last;
    set(spec, "path", scalar(path, filesDir == null ? near : filesDir), near);
    forms.add(form("file injection without a path", near, at + ".inject",
        at + ".inject.path: " + (filesDir == null ? ORIGINAL_FILE_DIR + "/" : "defaults.inject.path/") + last));
  }

  private static boolean isFile(Node inject) {
    if (inject instanceof ScalarNode sc) {
      return "file".equals(sc.getValue());
    }
    return inject instanceof MappingNode m && ("file".equals(text(get(m, "type"))) || (get(m, "type") == null && get(m, "path") != null));
  }

  private static DialectForm form(String what, Node at, String key, String becomes) {
    return new DialectForm(what, line(at), key, becomes, false);
  }

  private static int line(Node n) {
    return Problems.line(n);
  }
}
