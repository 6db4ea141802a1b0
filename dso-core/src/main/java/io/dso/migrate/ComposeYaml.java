package io.dso.migrate;

import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a Compose file into plain maps and lists (anchors and {@code <<} merges resolved) and writes
 * such a tree back as block-style YAML. Scalars are read as YAML 1.2 (as Compose v2 reads them) and
 * written so that they keep that meaning.
 */
final class ComposeYaml {
  private static final int MAX_ALIASES = 50;
  private static final int MAX_DEPTH = 64;

  private ComposeYaml() {}

  /** The root mapping of {@code text}; a syntax error or a non-mapping root is a {@link MigrateException}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> read(String file, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowDuplicateKeys(false);
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumperOptions()),
        dumperOptions(), options, new CoreSchema());
    Object root;
    try {
      root = yaml.load(text);
    } catch (MarkedYAMLException e) {
      // Only the problem and its line: SnakeYAML's full message quotes the file's text.
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new MigrateException(file + ":" + line + ": not valid YAML (" + e.getProblem() + "); fix it and run again");
    } catch (YAMLException e) {
      throw new MigrateException(file + " is not valid YAML (too many aliases, or a construct Compose does not use); fix it and run again");
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new MigrateException(file + " is not a Compose file (its top level is not a mapping)");
    }
    checkShape(file, map, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), 0);
    return (Map<String, Object>) map;
  }

  /** Refuses an alias that contains itself (a cycle) and nesting deeper than Compose files go. */
  private static void checkShape(String file, Object node, java.util.Set<Object> path, int depth) {
    if (!(node instanceof Map<?, ?>) && !(node instanceof java.util.List<?>)) {
      return;
    }
    if (depth > MAX_DEPTH || !path.add(node)) {
      throw new MigrateException(file + " nests deeper than " + MAX_DEPTH
          + " levels or has an alias that contains itself; expand the anchors by hand");
    }
    java.util.Collection<?> children = node instanceof Map<?, ?> m ? m.values() : (java.util.List<?>) node;
    for (Object child : children) {
      checkShape(file, child, path, depth + 1);
    }
    path.remove(node);
  }

  /**
   * {@code root} as block-style YAML. Written with YAML 1.1's resolvers, so a string that an older
   * reader would take for something else ({@code 2024-01-01}, {@code yes}, {@code 8080:80}) is quoted
   * and reads the same in docker-compose v1 and v2.
   */
  static String write(Map<String, Object> root) {
    DumperOptions options = dumperOptions();
    return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options,
        new LoaderOptions(), new Resolver()).dump(root);
  }

  private static DumperOptions dumperOptions() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setWidth(1000);
    options.setSplitLines(false);
    return options;
  }

  /**
   * YAML 1.2's core scalars (what Compose itself reads): only true/false are booleans, only plain
   * decimal numbers are numbers, no timestamps and no base-60 ({@code 8080:80} stays text).
   */
  private static final class CoreSchema extends Resolver {
    private static final Pattern BOOL_12 = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
    private static final Pattern INT_12 = Pattern.compile("^[-+]?(?:0|[1-9][0-9]*)$");
    private static final Pattern FLOAT_12 =
        Pattern.compile("^[-+]?(?:[0-9]+\\.[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?$");

    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, BOOL_12, "tTfF");
      addImplicitResolver(Tag.INT, INT_12, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT_12, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<");
      addImplicitResolver(Tag.NULL, NULL, "~nN\0");
      addImplicitResolver(Tag.NULL, EMPTY, null);
    }
  }
}
