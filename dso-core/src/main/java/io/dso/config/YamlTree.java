package io.dso.config;

import java.io.StringReader;
import java.util.Iterator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns YAML text into SnakeYAML's node graph (which keeps a line for every key and value), with limits
 * against alias bombs and deep nesting. Syntax errors become problems with their line, never traces.
 */
final class YamlTree {
  static final int MAX_CHARS = 1 << 20;
  static final int MAX_ALIASES = 50;

  private YamlTree() {}

  /** The root mapping, or null after adding the reason to {@code problems}. */
  static MappingNode compose(String text, Problems problems) {
    Node root;
    try {
      Iterator<Node> documents = yaml().composeAll(new StringReader(text)).iterator();
      if (!documents.hasNext()) {
        problems.add(1, "", "the file is empty; start with a providers: section", null);
        return null;
      }
      root = documents.next();
      if (documents.hasNext()) {
        Node second = documents.next();
        problems.add(
            second == null ? 1 : Problems.line(second),
            "",
            "a second YAML document starts here; dso.yaml holds exactly one, remove the '---' line and what follows",
            null);
        return null;
      }
    } catch (MarkedYAMLException e) {
      syntaxProblem(e, problems);
      return null;
    } catch (YAMLException e) {
      // Only the alias limit gets here: the reader sees a String, so encoding errors cannot occur.
      problems.add(
          firstAliasLine(text),
          "",
          "too many YAML aliases (more than " + MAX_ALIASES + "); expand the anchors by hand",
          null);
      return null;
    }
    if (root == null) {
      problems.add(1, "", "the file is empty; start with a providers: section", null);
      return null;
    }
    if (!(root instanceof MappingNode mapping)) {
      problems.add(
          root,
          "",
          "the top level must be a mapping (keys such as providers:, agent:, secrets:), found "
              + Values.kind(root));
      return null;
    }
    return mapping;
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(40);
    options.setCodePointLimit(MAX_CHARS + 1);
    return new Yaml(options);
  }

  private static void syntaxProblem(MarkedYAMLException e, Problems problems) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    int line = mark == null ? 1 : mark.getLine() + 1;
    String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
    // SnakeYAML's full message quotes the source line, which may hold a secret: use only the problem.
    if (problem.contains("\\t") || problem.contains("\t")) {
      problems.add(line, "", "YAML syntax error: tab character; YAML indents with spaces only, replace the tabs", null);
      return;
    }
    String context = e.getContext() == null ? "" : " " + e.getContext();
    problems.add(
        line,
        "",
        "YAML syntax error: " + problem + context + "; check the indentation and quoting on this line",
        null);
  }

  private static int firstAliasLine(String text) {
    int seen = 0;
    int first = 1;
    try {
      for (Event event : new Yaml().parse(new StringReader(text))) {
        if (event instanceof AliasEvent) {
          if (seen == 0) {
            first = event.getStartMark().getLine() + 1;
          }
          if (++seen > MAX_ALIASES) {
            return event.getStartMark().getLine() + 1;
          }
        }
      }
    } catch (YAMLException e) {
      // Parsing succeeded once already; fall back to the first alias.
    }
    return first;
  }
}
