package io.dso.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A checked view of one YAML mapping: keys are plain strings, each appears once, and (when a set of
 * allowed keys is given) every key is one we honour. Problems go to {@link Problems} as they are found.
 */
final class YamlMap {
  record Entry(ScalarNode key, Node value) {}

  private final String path;
  private final Node node;
  private final Map<String, Entry> entries;

  private YamlMap(String path, Node node, Map<String, Entry> entries) {
    this.path = path;
    this.node = node;
    this.entries = entries;
  }

  /** An empty map standing in for a missing section, so that callers need no null checks. */
  static YamlMap empty(String path, Node near) {
    return new YamlMap(path, near, Map.of());
  }

  /**
   * Reads {@code node} as a mapping at {@code path}; {@code allowed} null means any key. Returns null
   * (after reporting) when the node is not a mapping.
   */
  static YamlMap of(Node node, String path, List<String> allowed, Problems problems) {
    if (!(node instanceof MappingNode mapping)) {
      problems.add(node, path, "expected a mapping (key: value lines), found " + Values.kind(node));
      return null;
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
        problems.add(tuple.getKeyNode(), path, "a key must be a plain word, found " + Values.kind(tuple.getKeyNode()));
        continue;
      }
      String name = key.getValue();
      String keyPath = join(path, name);
      Entry first = entries.get(name);
      if (first != null) {
        problems.add(key, keyPath, "duplicate key; first given on line " + Problems.line(first.key()) + ", remove one");
        continue;
      }
      if (allowed != null && !allowed.contains(name)) {
        String hint = Suggestions.hint(name, allowed);
        problems.add(key, keyPath, "unknown key", hint != null ? hint : "allowed here: " + String.join(", ", allowed));
        continue;
      }
      entries.put(name, new Entry(key, tuple.getValueNode()));
    }
    return new YamlMap(path, node, entries);
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  String path() {
    return path;
  }

  String path(String key) {
    return join(path, key);
  }

  Node node() {
    return node;
  }

  boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The value node for {@code key}, or null when absent. */
  Node get(String key) {
    Entry e = entries.get(key);
    return e == null ? null : e.value();
  }

  ScalarNode keyNode(String key) {
    return entries.get(key).key();
  }

  Set<String> keys() {
    return entries.keySet();
  }

  Map<String, Entry> entries() {
    return entries;
  }
}
