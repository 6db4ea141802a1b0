package io.dso.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Collects problems while the whole file is checked, so that the user sees all of them at once. */
final class Problems {
  private final Path file;
  private final List<ConfigProblem> list = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  void add(int line, String key, String message, String hint) {
    list.add(new ConfigProblem(file, line, key, message, hint));
  }

  void add(Node node, String key, String message) {
    add(line(node), key, message, null);
  }

  void add(Node node, String key, String message, String hint) {
    add(line(node), key, message, hint);
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  int size() {
    return list.size();
  }

  void throwIfAny() {
    if (!list.isEmpty()) {
      throw new ConfigException(List.copyOf(list));
    }
  }
}
