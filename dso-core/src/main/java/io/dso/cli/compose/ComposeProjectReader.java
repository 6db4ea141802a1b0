package io.dso.cli.compose;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dso.DsoException;
import io.dso.compose.EnvTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and reads a project's Compose files the way Docker Compose does: {@code -f} files in order
 * (a later file overrides an earlier one), else {@code COMPOSE_FILE}, else the default names in the
 * working directory plus their {@code .override} file; the project name from {@code -p},
 * {@code COMPOSE_PROJECT_NAME}, the top-level {@code name:}, else the project directory's name.
 */
public final class ComposeProjectReader {
  static final List<String> DEFAULT_NAMES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path workingDir;
  private final Map<String, String> env;

  /** {@code env} is the process environment (passed in so tests need no real one). */
  public ComposeProjectReader(Path workingDir, Map<String, String> env) {
    this.workingDir = workingDir.toAbsolutePath().normalize();
    this.env = Map.copyOf(env);
  }

  /** Reads the project named by {@code -f} files (may be empty) and {@code -p} (may be null). */
  public ComposeProject read(List<String> fileArgs, String projectArg) {
    List<Path> files = discover(fileArgs);
    Path directory = files.getFirst().getParent();
    String version = null;
    String topName = null;
    Map<String, Map<String, String>> environment = new LinkedHashMap<>();
    for (Path file : files) {
      JsonNode root = parse(file);
      if (version == null && root.hasNonNull("version")) {
        version = root.get("version").asText();
      }
      if (root.hasNonNull("name")) {
        topName = root.get("name").asText();
      }
      root.path("services").properties().forEach(service -> {
        Map<String, String> merged = environment.computeIfAbsent(service.getKey(), k -> new LinkedHashMap<>());
        merged.putAll(environmentOf(file, service.getKey(), service.getValue().path("environment")));
      });
    }
    ComposeInterpolation interpolation = ComposeInterpolation.forProject(directory, env);
    environment.forEach((service, vars) -> vars.replaceAll((var, value) ->
        withReferencesInterpolated(interpolation, value, "service '" + service + "', variable " + var)));
    return new ComposeProject(directory, files, projectName(projectArg, topName, directory), version, environment);
  }

  /**
   * A value that holds a reference (before or after interpolation) interpolated as Compose would;
   * any other value as written, for Compose to interpolate itself.
   */
  private static String withReferencesInterpolated(ComposeInterpolation interpolation, String value, String where) {
    if (!value.contains("$")) {
      return value;
    }
    try {
      String interpolated = interpolation.apply(value, where);
      return EnvTemplate.hasReference(interpolated) ? interpolated : value;
    } catch (DsoException e) {
      if (EnvTemplate.hasReference(value)) {
        throw e;
      }
      return value; // Compose reports it in its own words
    }
  }

  List<Path> discover(List<String> fileArgs) {
    List<String> names = fileArgs;
    if (names.isEmpty() && env.get("COMPOSE_FILE") != null && !env.get("COMPOSE_FILE").isBlank()) {
      String separator = env.getOrDefault("COMPOSE_PATH_SEPARATOR", java.io.File.pathSeparator);
      names = List.of(env.get("COMPOSE_FILE").split(java.util.regex.Pattern.quote(separator)));
    }
    List<Path> files = new ArrayList<>();
    if (!names.isEmpty()) {
      for (String name : names) {
        if (name.equals("-")) {
          throw new DsoException("a Compose file on stdin (-f -) is not supported by dso; write it to a file and pass -f FILE");
        }
        Path file = workingDir.resolve(name).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
          throw new DsoException("Compose file " + file + " not found; check the -f path");
        }
        files.add(file);
      }
      return files;
    }
    Path main = firstExisting(DEFAULT_NAMES)
        .orElseThrow(() -> new DsoException("no Compose file in " + workingDir
            + " (looked for " + String.join(", ", DEFAULT_NAMES) + "); pass one with -f FILE"));
    files.add(main);
    String base = main.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    firstExisting(List.of(base + ".override.yaml", base + ".override.yml")).ifPresent(files::add);
    return files;
  }

  private Optional<Path> firstExisting(List<String> names) {
    return names.stream().map(workingDir::resolve).filter(Files::isRegularFile).findFirst();
  }

  String projectName(String projectArg, String topName, Path directory) {
    String raw = projectArg;
    if (blank(raw)) {
      raw = env.get("COMPOSE_PROJECT_NAME");
    }
    if (blank(raw)) {
      raw = topName;
    }
    boolean fromDirectory = blank(raw);
    if (fromDirectory) {
      raw = directory.getFileName() == null ? "" : directory.getFileName().toString();
    }
    String name = normalise(raw);
    if (name.isEmpty()) {
      throw new DsoException("cannot make a Compose project name from '" + raw + "'"
          + (fromDirectory ? " (the directory name)" : "") + "; pass one with -p NAME (lower-case letters, digits, '-', '_')");
    }
    return name;
  }

  /** Compose's normalisation: lower case, only {@code [a-z0-9_-]}, no leading {@code _} or {@code -}. */
  static String normalise(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "").replaceFirst("^[_-]+", "");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static JsonNode parse(Path file) {
    try {
      JsonNode root = YAML.readTree(file.toFile());
      if (root == null || root.isMissingNode() || root.isNull()) {
        throw new DsoException(file + ": the Compose file is empty; add a 'services:' section");
      }
      if (!root.isObject()) {
        throw new DsoException(file + ":1: a Compose file must be a mapping with a 'services:' section");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String line = at == null || at.getLineNr() < 1 ? "" : ":" + at.getLineNr();
      throw new DsoException(file + line + ": malformed YAML: " + firstLine(e.getOriginalMessage()) + "; fix the file");
    } catch (IOException e) {
      throw new DsoException("cannot read Compose file " + file + ": " + e.getMessage());
    }
  }

  /** {@code environment:} as a map ({@code VAR: value}) or a list ({@code - VAR=value}); a bare {@code VAR} has no value here. */
  static Map<String, String> environmentOf(Path file, String service, JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node.isObject()) {
      node.properties().forEach(e -> {
        if (!e.getValue().isNull() && e.getValue().isValueNode()) {
          out.put(e.getKey(), e.getValue().asText());
        }
      });
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        String text = item.asText();
        int eq = text.indexOf('=');
        if (eq > 0) {
          out.put(text.substring(0, eq), text.substring(eq + 1));
        }
      }
    } else if (!node.isMissingNode() && !node.isNull()) {
      throw new DsoException(file + ": service '" + service + "': 'environment' must be a map or a list of VAR=value");
    }
    return out;
  }

  /** SnakeYAML's problem lines ("while parsing ...", "expected ..."), without its source excerpt. */
  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    List<String> kept = s.lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .map(l -> l.replaceAll("\\s*in 'reader', line \\d+, column \\d+:?$", "").strip())
        .filter(l -> !l.isEmpty())
        .toList();
    return kept.isEmpty() ? s.strip() : String.join(" ", kept);
  }
}
