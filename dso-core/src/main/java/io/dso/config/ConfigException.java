package io.dso.config;

import io.dso.DsoException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a config file at once, sorted by line; the message is {@link #render()}. */
public final class ConfigException extends DsoException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(renderAll(sorted(problems)));
    this.problems = sorted(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  /** One problem per line, "file:line: key: message (hint)". */
  public String render() {
    return renderAll(problems);
  }

  private static List<ConfigProblem> sorted(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    return problems.stream().sorted(Comparator.comparingInt(ConfigProblem::line)).toList();
  }

  private static String renderAll(List<ConfigProblem> problems) {
    return problems.stream().map(ConfigProblem::render).collect(Collectors.joining("\n"));
  }
}
