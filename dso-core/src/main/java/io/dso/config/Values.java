package io.dso.config;

import io.dso.LogText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed reading of YAML values with {@code ${VAR}} expansion. A bad value is reported at its line and
 * read as null. Messages quote only the raw YAML text (escaped, at most {@link LogText#MAX_ECHO}
 * characters), and nothing at all for credential-like keys.
 */
final class Values {
  private static final Set<String> SENSITIVE = Set.of("token", "secret", "password", "secret_id", "auth_token");
  private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
  private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  private static final int MAX_FREE_FORM_NODES = 10_000;

  private record Scalar(ScalarNode node, String value, boolean expanded) {}

  private final Problems problems;
  private final Expander expander;
  private int freeFormNodes;

  Values(Problems problems, Expander expander) {
    this.problems = problems;
    this.expander = expander;
  }

  Problems problems() {
    return problems;
  }

  static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return isNull(node) ? "no value" : "a single value";
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.isPlain() && s.getTag().equals(Tag.NULL);
  }

  static boolean sensitive(String path) {
    String last = path.substring(path.lastIndexOf('.') + 1);
    return SENSITIVE.contains(last);
  }

  /** ", got 'raw'" or nothing for credentials. */
  private static String got(Scalar s, String path) {
    return sensitive(path) ? "" : ", got '" + LogText.echo(s.node().getValue()) + "'";
  }

  private Scalar scalar(Node node, String path) {
    if (!(node instanceof ScalarNode s)) {
      problems.add(node, path, "expected a single value, found " + kind(node));
      return null;
    }
    if (isNull(s)) {
      problems.add(node, path, "has no value; give one or remove the key");
      return null;
    }
    Expander.Result r = expander.expand(s.getValue());
    r.problems().forEach(p -> problems.add(node, path, p));
    return r.problems().isEmpty() ? new Scalar(s, r.value(), r.expanded()) : null;
  }

  /** Expanded text (possibly empty), or null after reporting. */
  String string(Node node, String path) {
    Scalar s = scalar(node, path);
    return s == null ? null : s.value();
  }

  /** Expanded, non-blank text, or null after reporting. */
  String nonEmpty(Node node, String path, String whatToDo) {
    String s = string(node, path);
    if (s != null && s.isBlank()) {
      problems.add(node, path, "is empty; " + whatToDo);
      return null;
    }
    return s;
  }

  Boolean bool(Node node, String path) {
    Scalar s = scalar(node, path);
    if (s == null) {
      return null;
    }
    return switch (s.value()) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problems.add(node, path, "expected true or false" + got(s, path));
        yield null;
      }
    };
  }

  Integer integer(Node node, String path, int min, int max) {
    Scalar s = scalar(node, path);
    if (s == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(s.value().strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    problems.add(node, path, "expected a whole number from " + min + " to " + max + got(s, path));
    return null;
  }

  /** A duration of at least {@code min}, or null after reporting. */
  Duration duration(Node node, String path, Duration min) {
    Scalar s = scalar(node, path);
    if (s == null) {
      return null;
    }
    Duration d;
    try {
      d = Durations.parse(s.value());
    } catch (IllegalArgumentException e) {
      problems.add(
          node,
          path,
          s.expanded() || sensitive(path)
              ? "invalid duration after expanding environment variables" + got(s, path)
                  + "; write e.g. 500ms, 30s, 5m, 1h30m"
              // The parser's own message quotes the text (twice at times): only short text is shown whole.
              : s.value().length() > LogText.MAX_ECHO
                  ? "not a duration" + got(s, path) + "; write e.g. 500ms, 30s, 5m, 1h30m"
                  : e.getMessage());
      return null;
    }
    if (d.compareTo(min) < 0) {
      problems.add(node, path, "must be at least " + Durations.format(min) + got(s, path));
      return null;
    }
    return d;
  }

  /** One of {@code options}, or null after reporting with a suggestion. */
  String choice(Node node, String path, List<String> options) {
    Scalar s = scalar(node, path);
    if (s == null) {
      return null;
    }
    if (options.contains(s.value())) {
      return s.value();
    }
    String hint = sensitive(path) || s.expanded() ? null : Suggestions.hint(s.value(), options);
    String shown = sensitive(path) ? "" : " '" + LogText.echo(s.node().getValue()) + "'";
    problems.add(node, path, "unknown value" + shown + "; use one of " + String.join(", ", options), hint);
    return null;
  }

  /** The items of a list, or null after reporting. */
  List<Node> list(Node node, String path) {
    if (node instanceof SequenceNode seq) {
      return seq.getValue();
    }
    problems.add(node, path, "expected a list (lines starting with '- '), found " + kind(node));
    return null;
  }

  /** A free-form block (a provider's config) as plain Java values in YAML order, or null after reporting. */
  Map<String, Object> freeFormMap(Node node, String path) {
    freeFormNodes = 0;
    return isNull(node) ? Map.of() : asMap(node, path);
  }

  private Map<String, Object> asMap(Node node, String path) {
    YamlMap map = YamlMap.of(node, path, null, problems);
    if (map == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, YamlMap.Entry> e : map.entries().entrySet()) {
      Object value = plain(e.getValue().value(), map.path(e.getKey()));
      if (value != null) {
        out.put(e.getKey(), value);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private Object plain(Node node, String path) {
    if (++freeFormNodes > MAX_FREE_FORM_NODES) {
      if (freeFormNodes == MAX_FREE_FORM_NODES + 1) {
        problems.add(node, path, "more than " + MAX_FREE_FORM_NODES + " values (alias expansion?); simplify this block");
      }
      return null;
    }
    if (node instanceof MappingNode) {
      return asMap(node, path);
    }
    if (node instanceof SequenceNode seq) {
      List<Object> items = new ArrayList<>();
      for (int i = 0; i < seq.getValue().size(); i++) {
        Object item = plain(seq.getValue().get(i), path + "[" + i + "]");
        if (item != null) {
          items.add(item);
        }
      }
      return Collections.unmodifiableList(items);
    }
    Scalar s = scalar(node, path);
    if (s == null) {
      return null;
    }
    // Only literal, unquoted text is typed; an expanded value stays a string (a numeric token is still a token).
    if (s.expanded() || !s.node().isPlain()) {
      return s.value();
    }
    String v = s.value();
    if (v.equals("true") || v.equals("false")) {
      return Boolean.valueOf(v);
    }
    if (INT.matcher(v).matches() && v.length() <= 18) {
      long n = Long.parseLong(v);
      if (n == (int) n) {
        return Integer.valueOf((int) n);
      }
      return Long.valueOf(n);
    }
    if (FLOAT.matcher(v).matches()) {
      return Double.valueOf(v);
    }
    return v;
  }
}
