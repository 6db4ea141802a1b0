package io.dso.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * Loads dso.yaml into a {@link DsoConfig}: every key is honoured or rejected, and every problem in the
 * file is reported at once with its line. Expands {@code ${VAR}} from the environment given here.
 */
public final class ConfigLoader {
  private static final List<String> TOP_KEYS =
      List.of("version", "provider", "config", "providers", "agent", "defaults", "secrets", "notifications", "metrics");
  private static final Path ETC = Path.of("/etc/dso/dso.yaml");

  private final Map<String, String> environment;
  private final ProviderTypes providerTypes;

  public ConfigLoader(Map<String, String> environment, ProviderTypes providerTypes) {
    this.environment = Map.copyOf(environment);
    this.providerTypes = Objects.requireNonNull(providerTypes, "providerTypes");
  }

  /**
   * Finds the config file: the {@code -c} flag if given, else {@code ./dso.yaml}, else
   * {@code /etc/dso/dso.yaml}.
   *
   * @throws ConfigUnreadableException listing the places searched when none exists
   */
  public static Path resolve(Path explicitOrNull, Path workingDir) {
    if (explicitOrNull != null) {
      Path p = workingDir.resolve(explicitOrNull);
      String problem = notAConfigFile(p);
      if (problem != null) {
        throw new ConfigUnreadableException("config file " + explicitOrNull + " " + problem);
      }
      return p;
    }
    List<Path> searched = List.of(workingDir.resolve("dso.yaml"), ETC);
    for (Path p : searched) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new ConfigUnreadableException(
        "no config file found; searched " + searched.get(0).toAbsolutePath().normalize() + " and " + ETC
            + "; create one (see examples/quickstart/dso.yaml) or pass -c <file>");
  }

  /**
   * What is wrong with {@code p} as a config file ("is a directory", "is a character device, not a
   * file", "not found"), with what to do; null for a regular file.
   */
  static String notAConfigFile(Path p) {
    Path shown = p.toAbsolutePath().normalize();
    if (!Files.exists(p)) {
      return Files.isSymbolicLink(p)
          ? "is a symbolic link to a missing file (" + shown + "); fix the link or pass the file itself with -c"
          : "not found (looked at " + shown + "); check the path given with -c/--config";
    }
    if (Files.isDirectory(p)) {
      return "is a directory, not a file; pass the file inside it, e.g. -c " + shown.resolve("dso.yaml");
    }
    if (!Files.isRegularFile(p)) {
      return "is " + specialKind(p) + ", not a file; pass the path of a dso.yaml file with -c";
    }
    // An empty file is a config problem at line 1 ("the file is empty"), reported by the parser.
    return null;
  }

  private static String specialKind(Path p) {
    try {
      int type = (Integer) Files.getAttribute(p, "unix:mode") & 0170000;
      return switch (type) {
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0010000 -> "a named pipe (FIFO)";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a special file";
    }
  }

  /** A validated file with the original-project forms it was written in and its logging wish. */
  public record Loaded(DsoConfig config, List<DialectForm> dialect, LogSettings logging) {
    public Loaded {
      Objects.requireNonNull(config, "config");
      dialect = List.copyOf(dialect);
      Objects.requireNonNull(logging, "logging");
    }
  }

  /** Reads and validates {@code file}. */
  public DsoConfig load(Path file) {
    return read(file).config();
  }

  /** Reads and validates {@code file}, telling which forms of the original project's dialect it used. */
  public Loaded read(Path file) {
    return parseAll(text(file), file);
  }

  /** The file's text, checked to be a readable UTF-8 file of sensible size. */
  public static String text(Path file) {
    byte[] bytes;
    try {
      String problem = Files.exists(file) ? notAConfigFile(file) : null;
      if (problem != null) {
        throw new ConfigUnreadableException("config file " + file + " " + problem);
      }
      long size = Files.size(file);
      if (size > YamlTree.MAX_CHARS) {
        throw tooLarge(file, size);
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigUnreadableException("config file " + file + " does not exist; check the path or pass -c <file>", e);
    } catch (IOException e) {
      throw new ConfigUnreadableException(
          "cannot read config file " + file + ": " + e.getClass().getSimpleName()
              + "; check that it is a readable file", e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigUnreadableException(
          "config file " + file + " is not UTF-8 text; is it really a YAML file?", e);
    }
    return text;
  }

  /**
   * Only the file's {@code logging:} section, read before anything else so that the agent logs the rest
   * of its start the way the file asks. Problems are left to the full load, which reports them.
   */
  public static LogSettings logSettings(Path file, Map<String, String> environment) {
    try {
      Problems problems = new Problems(file);
      MappingNode root = YamlTree.compose(text(file), problems);
      if (root == null) {
        return LogSettings.NONE;
      }
      LogSettings s = new DialectTranslator(new Values(problems, new Expander(environment))).logging(root);
      return problems.isEmpty() ? s : LogSettings.NONE;
    } catch (ConfigUnreadableException e) {
      return LogSettings.NONE;
    }
  }

  /** Validates YAML text; {@code nameForMessages} is the file named in problems and the config's source. */
  public DsoConfig parse(String yamlText, Path nameForMessages) {
    return parseAll(yamlText, nameForMessages).config();
  }

  /** Like {@link #parse}, with the dialect forms seen and the logging wish. */
  public Loaded parseAll(String yamlText, Path nameForMessages) {
    if (yamlText.length() > YamlTree.MAX_CHARS) {
      throw tooLarge(nameForMessages, yamlText.length());
    }
    if (yamlText.chars().anyMatch(c -> c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))) {
      throw new ConfigUnreadableException(
          "config file " + nameForMessages + " contains binary data; it is not a YAML text file");
    }
    Problems problems = new Problems(nameForMessages);
    MappingNode root = YamlTree.compose(yamlText, problems);
    if (root == null) {
      problems.throwIfAny();
    }
    Values values = new Values(problems, new Expander(environment));
    DialectTranslator.Result dialect = new DialectTranslator(values).translate(root);
    YamlMap top = YamlMap.of(root, "", TOP_KEYS, problems);
    if (top.has("version") && !"1".equals(values.string(top.get("version"), "version"))) {
      problems.add(top.get("version"), "version", "only version 1 exists; write version: 1 or remove the key");
    }
    ProviderReader.Result providers = new ProviderReader(values, providerTypes).read(top);
    AgentReader agentReader = new AgentReader(values);
    AgentSettings agent = agentReader.agent(top.get("agent"));
    MetricsSettings metrics = agentReader.metrics(top.get("metrics"));
    InjectReader inject = new InjectReader(values);
    Defaults defaults = agentReader.defaults(top.get("defaults"), inject);
    List<SecretSpec> secrets =
        new SecretReader(values, inject, agentReader).read(top.get("secrets"), new ArrayList<>(providers.names()), defaults);
    NotificationsReader notificationsReader = new NotificationsReader(values);
    NotificationSettings notifications = notificationsReader.read(top.get("notifications"));
    problems.throwIfAny();
    notificationsReader.warnings().forEach(w -> LoggerFactory.getLogger(ConfigLoader.class).warn("{}: {}", nameForMessages, w));
    for (DialectForm f : dialect.forms()) {
      if (f.noEffect()) {
        // looked up only here: `dso validate` and the other one-shot commands must not start logging
        LoggerFactory.getLogger(ConfigLoader.class).warn("{}:{}: {} is accepted for compatibility but has no effect here; remove it", nameForMessages, f.line(), f.key());
      }
    }
    DsoConfig config = new DsoConfig(nameForMessages.toAbsolutePath().normalize(), providers.specs(), agent, defaults, secrets,
        notifications, metrics);
    return new Loaded(config, dialect.forms(), dialect.logging());
  }

  private static ConfigUnreadableException tooLarge(Path file, long size) {
    return new ConfigUnreadableException(
        "config file " + file + " is " + size + " bytes; dso.yaml is limited to 1 MiB (" + YamlTree.MAX_CHARS
            + " bytes), is it the right file?");
  }
}
