package io.dso.cli.compose;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.dso.DsoException;
import io.dso.PrivatePaths;
import io.dso.compose.ComposePlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Compose file {@code dso} adds as the last {@code -f}: per service, each planned variable as a
 * {@code ${DSO_...}} reference, the plan's labels and read-only mounts. Values never go into it:
 * they travel only in the Compose process's environment, under the names {@link #childEnvironment}
 * gives, and Compose substitutes them once without interpolating them again.
 */
public final class OverrideFile {
  static final String FILE_NAME = "docker-compose.dso-override.yml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private final ComposeProject project;
  private final ComposePlan.Response plan;

  public OverrideFile(ComposeProject project, ComposePlan.Response plan) {
    this.project = project;
    this.plan = plan;
  }

  /**
   * The name of the environment variable that carries {@code service}'s {@code variable}: a hash of
   * the names (never of a value), so any service or variable name gives a valid, distinct name.
   */
  static String carrier(String project, String service, String variable) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((project + "\0" + service + "\0" + variable).getBytes(StandardCharsets.UTF_8));
      return "DSO_" + HexFormat.of().withUpperCase().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The variables to add to Compose's process environment: carrier name to value. */
  public Map<String, String> childEnvironment() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ComposePlan.ServicePlan s : plan.services()) {
      if (s.env() == null) {
        continue;
      }
      s.env().forEach((var, value) -> out.put(carrier(project.name(), s.service(), var), value));
    }
    return out;
  }

  /** The override's YAML text: references, labels and mounts only. */
  public String render() {
    Map<String, Object> root = new LinkedHashMap<>();
    if (project.version() != null) {
      root.put("version", project.version());
    }
    Map<String, Object> services = new LinkedHashMap<>();
    for (ComposePlan.ServicePlan s : plan.services()) {
      Map<String, Object> service = new LinkedHashMap<>();
      Map<String, String> env = new LinkedHashMap<>();
      if (s.env() != null) {
        s.env().keySet().forEach(var -> env.put(var, "${" + carrier(project.name(), s.service(), var) + "}"));
      }
      if (!env.isEmpty()) {
        service.put("environment", env);
      }
      if (s.labels() != null && !s.labels().isEmpty()) {
        Map<String, String> labels = new LinkedHashMap<>();
        s.labels().forEach((k, v) -> labels.put(k, literal(v)));
        service.put("labels", labels);
      }
      if (s.mounts() != null && !s.mounts().isEmpty()) {
        List<String> volumes = new ArrayList<>();
        s.mounts().forEach(m -> volumes.add(literal(m.source()) + ":" + literal(m.target()) + ":ro"));
        service.put("volumes", volumes);
      }
      services.put(s.service(), service);
    }
    root.put("services", services);
    try {
      return "# Written by dso for Compose project '" + project.name() + "': references and labels, never values.\n"
          + YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException("rendering the Compose override failed", e);
    }
  }

  /** Compose interpolates {@code $} in files; text we put there must reach the container as written. */
  private static String literal(String text) {
    return text.replace("$", "$$");
  }

  /**
   * Writes the override to {@code <home>/compose/<project>/}: the directories 0700 and refused when
   * another user could change them, the file 0600, replaced atomically.
   */
  public Path write(Path home) {
    Path dir = home.resolve("compose").resolve(project.name());
    PrivatePaths.directory(home, "dso home", "DSO_HOME");
    PrivatePaths.directory(home.resolve("compose"), "Compose override directory", "DSO_HOME");
    PrivatePaths.directory(dir, "Compose override directory", "DSO_HOME");
    Path target = dir.resolve(FILE_NAME);
    Path tmp = dir.resolve("." + FILE_NAME + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      try (FileChannel ch = PrivatePaths.createNew(tmp)) {
        ch.write(ByteBuffer.wrap(render().getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new DsoException("cannot write the Compose override " + target + ": " + e.getMessage()
          + "; check that " + dir + " is writable or set DSO_HOME");
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: the temporary file holds no value, only references
      }
    }
  }

  /** Where {@code dso} keeps its files: {@code $DSO_HOME}, else {@code ~/.dso}. */
  public static Path home(Map<String, String> env) {
    String home = env.get("DSO_HOME");
    return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".dso");
  }
}
