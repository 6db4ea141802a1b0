package io.dso.config;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Small edits of SnakeYAML's node tree for the dialect translation. New nodes carry the position of the
 * node they were made from, so that the native readers still report the line the user wrote.
 */
final class DialectNodes {
  private DialectNodes() {}

  static NodeTuple find(MappingNode map, String key) {
    for (NodeTuple t : map.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return t;
      }
    }
    return null;
  }

  static Node get(MappingNode map, String key) {
    NodeTuple t = find(map, key);
    return t == null ? null : t.getValueNode();
  }

  static MappingNode map(MappingNode parent, String key) {
    return get(parent, key) instanceof MappingNode m ? m : null;
  }

  static String text(Node node) {
    return node instanceof ScalarNode s ? s.getValue() : null;
  }

  static NodeTuple remove(MappingNode map, String key) {
    NodeTuple t = find(map, key);
    if (t != null) {
      List<NodeTuple> rest = new ArrayList<>(map.getValue());
      rest.remove(t);
      map.setValue(rest);
    }
    return t;
  }

  /** Adds {@code key: value} at the end; {@code near} gives the key's position. */
  static void put(MappingNode map, String key, Node value, Node near) {
    List<NodeTuple> all = new ArrayList<>(map.getValue());
    all.add(new NodeTuple(scalar(key, near), value));
    map.setValue(all);
  }

  /** Replaces the value of {@code key}, or adds it. */
  static void set(MappingNode map, String key, Node value, Node near) {
    List<NodeTuple> all = new ArrayList<>(map.getValue());
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        all.set(i, new NodeTuple(k, value));
        map.setValue(all);
        return;
      }
    }
    put(map, key, value, near);
  }

  static void rename(MappingNode map, String from, String to) {
    List<NodeTuple> all = new ArrayList<>(map.getValue());
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).getKeyNode() instanceof ScalarNode k && k.getValue().equals(from)) {
        all.set(i, new NodeTuple(scalar(to, k), all.get(i).getValueNode()));
      }
    }
    map.setValue(all);
  }

  /** The mapping under {@code key}, created (empty, at {@code near}) when absent; null when it is not a mapping. */
  static MappingNode child(MappingNode parent, String key, Node near) {
    Node existing = get(parent, key);
    if (existing == null || Values.isNull(existing)) {
      MappingNode created = mapping(near);
      set(parent, key, created, near);
      return created;
    }
    return existing instanceof MappingNode m ? m : null;
  }

  static ScalarNode scalar(String value, Node near) {
    return new ScalarNode(Tag.STR, value, near.getStartMark(), near.getEndMark(), DumperOptions.ScalarStyle.PLAIN);
  }

  static ScalarNode integer(int value, Node near) {
    return new ScalarNode(Tag.INT, Integer.toString(value), near.getStartMark(), near.getEndMark(), DumperOptions.ScalarStyle.PLAIN);
  }

  static MappingNode mapping(Node near) {
    return new MappingNode(Tag.MAP, false, new ArrayList<NodeTuple>(), near.getStartMark(), near.getEndMark(), DumperOptions.FlowStyle.BLOCK);
  }
}
