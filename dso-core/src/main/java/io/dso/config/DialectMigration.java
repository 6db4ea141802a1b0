package io.dso.config;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * Prints the native form of a file written for the original Docker Secret Operator. It works on the
 * unexpanded node tree, so {@code ${VAR}} stays as written and no value from the environment is printed.
 */
public final class DialectMigration {
  private DialectMigration() {}

  /**
   * The native YAML of {@code yamlText}, opened by comments naming each translation.
   *
   * @throws ConfigException when the file cannot be translated (syntax errors, bad dialect values)
   */
  public static String rewrite(String yamlText, Path nameForMessages) {
    return rewrite(yamlText, nameForMessages, Map.of());
  }

  /** As {@link #rewrite(String, Path)}; {@code environment} only checks {@code ${VAR}} in logging:, the text keeps it. */
  public static String rewrite(String yamlText, Path nameForMessages, Map<String, String> environment) {
    Problems problems = new Problems(nameForMessages);
    MappingNode root = YamlTree.compose(yamlText, problems);
    if (root == null) {
      problems.throwIfAny();
    }
    // Expansion only checks logging.level/format; the printed tree is the unexpanded one.
    DialectTranslator.Result result = new DialectTranslator(new Values(problems, new Expander(environment))).translate(root);
    problems.throwIfAny();
    StringBuilder out = new StringBuilder();
    out.append("# Native form of ").append(nameForMessages.getFileName()).append(" (written for the original Docker Secret Operator).\n");
    List<DialectForm> forms = result.forms();
    if (forms.isEmpty()) {
      out.append("# Nothing to translate: the file is already native.\n");
    }
    for (DialectForm f : forms) {
      out.append("# translated ").append(f.render()).append('\n');
    }
    if (result.loggingSection() != null) {
      // Honoured as it is: put it back, first, where readers of a dso.yaml look for it.
      List<org.yaml.snakeyaml.nodes.NodeTuple> all = new java.util.ArrayList<>(root.getValue());
      all.add(0, result.loggingSection());
      root.setValue(all);
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setWidth(120);
    StringWriter writer = new StringWriter();
    new Yaml(options).serialize(root, writer);
    return out.append(writer).toString();
  }
}
