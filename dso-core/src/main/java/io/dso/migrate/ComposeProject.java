package io.dso.migrate;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Compose project as {@code dso migrate} finds it: the Compose file (the names Compose looks for, or
 * the one given), the project's {@code .env} (used for {@code ${VAR}} interpolation) and every
 * {@code env_file:} its services name. Paths in the Compose file (and the default {@code .env}) resolve
 * against the file's directory, as Compose does; names kept here are relative to the project
 * directory {@code dir}. Nothing is written.
 */
public record ComposeProject(
    Path dir,
    String composeFile,
    String composeDir,
    Map<String, Object> compose,
    String name,
    DotEnv projectEnv,
    Map<String, DotEnv> envFiles,
    Map<String, List<String>> serviceEnvFiles,
    List<String> warnings) {

  /** The names Compose tries, in its order. */
  public static final List<String> COMPOSE_NAMES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml");

  public ComposeProject {
    compose = java.util.Collections.unmodifiableMap(compose);
    envFiles = java.util.Collections.unmodifiableMap(envFiles);
    serviceEnvFiles = java.util.Collections.unmodifiableMap(serviceEnvFiles);
    warnings = List.copyOf(warnings);
  }

  /**
   * Reads the project in {@code dir}. {@code composeFile} and {@code envFile} (null for the defaults)
   * resolve against {@code dir}; {@code projectName} (null: {@code COMPOSE_PROJECT_NAME} in the env
   * file, then the Compose file's {@code name:}, then the directory's name) is normalised as Compose does.
   */
  public static ComposeProject load(Path dir, String composeFile, String envFile, String projectName) {
    Path base = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(base)) {
      throw new MigrateException("project directory " + base + " does not exist; pass an existing --dir", 2);
    }
    String file = composeFile != null ? composeFile : COMPOSE_NAMES.stream()
        .filter(n -> Files.isRegularFile(base.resolve(n))).findFirst()
        .orElseThrow(() -> new MigrateException("no Compose file in " + base + " (looked for "
            + String.join(", ", COMPOSE_NAMES) + "); pass -f FILE or --dir DIR"));
    Map<String, Object> compose = ComposeYaml.read(file, read(base, file, "Compose file"));
    // Compose resolves the file's relative paths, and finds .env, in the directory of the file.
    Path fileDir = base.resolve(file).normalize().getParent();
    List<String> warnings = new ArrayList<>();

    String envName = base.relativize(
        (envFile != null ? base.resolve(envFile) : fileDir.resolve(".env")).normalize()).toString();
    DotEnv projectEnv;
    if (Files.exists(base.resolve(envName))) {
      projectEnv = DotEnv.parse(envName, read(base, envName, "env file"));
    } else if (envFile != null) {
      throw new MigrateException("--env-file " + envFile + " not found in " + base + "; check the path");
    } else {
      projectEnv = DotEnv.parse(envName, "");
    }

    Map<String, DotEnv> envFiles = new LinkedHashMap<>();
    Map<String, List<String>> serviceEnvFiles = new LinkedHashMap<>();
    ComposeServices.each(compose, (service, body) -> {
      List<String> names = new ArrayList<>();
      for (ComposeServices.EnvFileRef ref : ComposeServices.envFiles(service, body)) {
        Path p = fileDir.resolve(ref.path()).normalize();
        if (!Files.isRegularFile(p)) {
          if (ref.required()) {
            warnings.add("service " + service + ": env_file " + ref.path()
                + " not found (Compose would refuse to start it); create it or mark it required: false");
          }
          continue;
        }
        String key = base.relativize(p).toString();
        envFiles.computeIfAbsent(key, k -> k.equals(envName) ? projectEnv : DotEnv.parse(k, read(base, k, "env file")));
        names.add(key);
      }
      serviceEnvFiles.put(service, names);
    });

    String name = projectName;
    if (name == null && projectEnv.entries().containsKey("COMPOSE_PROJECT_NAME")) {
      name = projectEnv.entries().get("COMPOSE_PROJECT_NAME").value();
    }
    if (name == null && compose.get("name") instanceof String n) {
      name = n;
    }
    if (name == null) {
      name = base.getFileName() == null ? "project" : base.getFileName().toString();
    }
    String normalised = normalise(name);
    if (normalised.isEmpty()) {
      throw new MigrateException("project name '" + name + "' has no letters or digits; pass --project NAME", 2);
    }
    return new ComposeProject(base, base.relativize(base.resolve(file).normalize()).toString(),
        base.relativize(fileDir).toString(), compose, normalised, projectEnv, envFiles, serviceEnvFiles, warnings);
  }

  /** Compose's rule: lower case; only letters, digits, {@code _} and {@code -}; starts with a letter or digit. */
  static String normalise(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    return s.replaceFirst("^[_-]+", "");
  }

  private static String read(Path base, String name, String what) {
    Path p = base.resolve(name);
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new MigrateException(what + " " + p + " is not UTF-8 text; convert it first");
    } catch (IOException e) {
      throw new MigrateException("cannot read " + what + " " + p + " (" + e.getClass().getSimpleName()
          + "); check that it exists and is readable");
    }
  }
}
