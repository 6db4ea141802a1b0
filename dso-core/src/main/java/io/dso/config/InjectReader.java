package io.dso.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads {@code inject:} in its short ({@code env}, {@code file}) and long (mapping) forms, and checks file paths. */
final class InjectReader {
  private static final List<String> KEYS = List.of("type", "path", "uid", "gid", "format");
  private static final List<String> MODES = List.of("env", "file");
  private static final List<String> FORMATS = List.of("files", "json");
  private static final List<String> FILE_ONLY = List.of("path", "uid", "gid", "format");
  private static final List<String> SYSTEM_DIRS =
      List.of("/proc", "/sys", "/dev", "/etc", "/bin", "/sbin", "/usr", "/lib", "/lib64", "/boot", "/var/lib/docker");

  private final Values values;
  private final Problems problems;

  InjectReader(Values values) {
    this.values = values;
    this.problems = values.problems();
  }

  /** {@code defaults.inject}: like a secret's, but without a path (one path shared by all secrets would collide). */
  InjectSpec defaults(Node node, String path) {
    return read(node, path, null, false);
  }

  /** A secret's inject; {@code node} null means "use the defaults". Null after reporting. */
  InjectSpec secret(Node node, String path, InjectSpec defaults, Node secretNode, String secretName) {
    if (node == null) {
      if (defaults.mode() == InjectMode.FILE) {
        problems.add(secretNode, path, "defaults.inject is file, so this secret needs its own inject: { type: file, path: "
            + suggestedPath(secretName) + " }");
        return null;
      }
      return defaults;
    }
    return read(node, path, defaults, true);
  }

  private InjectSpec read(Node node, String path, InjectSpec defaults, boolean pathAllowed) {
    if (node instanceof ScalarNode) {
      String mode = values.choice(node, path, MODES);
      if (mode == null) {
        return null;
      }
      if (mode.equals("env")) {
        return InjectSpec.ENV;
      }
      if (pathAllowed) {
        problems.add(node, path, "file injection needs a path; write inject: { type: file, path: /run/secrets/<name> }");
        return null;
      }
      return new InjectSpec(InjectMode.FILE, null, null, null, FileFormat.FILES);
    }
    YamlMap m = YamlMap.of(node, path, KEYS, problems);
    if (m == null) {
      return null;
    }
    String type;
    if (m.has("type")) {
      type = values.choice(m.get("type"), m.path("type"), MODES);
      if (type == null) {
        return null;
      }
    } else {
      type = m.has("path") || defaults == null || defaults.mode() == InjectMode.FILE ? "file" : "env";
    }
    if (type.equals("env")) {
      boolean ok = true;
      for (String key : FILE_ONLY) {
        if (m.has(key)) {
          problems.add(m.keyNode(key), m.path(key), "only for file injection; remove it or set type: file");
          ok = false;
        }
      }
      return ok ? InjectSpec.ENV : null;
    }
    String filePath = null;
    if (!pathAllowed && m.has("path")) {
      problems.add(m.keyNode("path"), m.path("path"),
          "not allowed in defaults: secrets sharing one path would overwrite each other; set inject.path per secret");
    } else if (pathAllowed) {
      if (!m.has("path")) {
        problems.add(node, path,
            "file injection needs a path; add path: /run/secrets/<name>");
        return null;
      }
      filePath = checkedPath(m.get("path"), m.path("path"));
    }
    int before = problems.size();
    Integer uid = id(m, "uid", defaults == null ? null : defaults.uid());
    Integer gid = id(m, "gid", defaults == null ? null : defaults.gid());
    FileFormat format = defaults != null && defaults.format() != null ? defaults.format() : FileFormat.FILES;
    if (m.has("format")) {
      String f = values.choice(m.get("format"), m.path("format"), FORMATS);
      format = f == null ? format : FileFormat.valueOf(f.toUpperCase(Locale.ROOT));
    }
    if ((pathAllowed && filePath == null) || problems.size() != before) {
      return null;
    }
    return new InjectSpec(InjectMode.FILE, filePath, uid, gid, format);
  }

  /** The mode a secret asks for, even when its inject block has problems, so later checks do not cascade. */
  static InjectMode declaredMode(Node node, InjectSpec defaults) {
    if (node == null) {
      return defaults.mode();
    }
    if (node instanceof ScalarNode s) {
      return s.getValue().equals("file") ? InjectMode.FILE : InjectMode.ENV;
    }
    if (node instanceof org.yaml.snakeyaml.nodes.MappingNode m) {
      for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
          if (k.getValue().equals("type")) {
            return v.getValue().equals("file") ? InjectMode.FILE : InjectMode.ENV;
          }
          if (k.getValue().equals("path")) {
            return InjectMode.FILE;
          }
        }
      }
    }
    return defaults.mode();
  }

  private Integer id(YamlMap m, String key, Integer fallback) {
    return m.has(key) ? values.integer(m.get(key), m.path(key), 0, Integer.MAX_VALUE) : fallback;
  }

  private String checkedPath(Node node, String key) {
    String p = values.nonEmpty(node, key, "write an absolute path such as /run/secrets/<name>");
    if (p == null) {
      return null;
    }
    String raw = "'" + ((ScalarNode) node).getValue() + "'";
    String problem = null;
    if (!p.startsWith("/")) {
      problem = raw + " is relative; write an absolute path inside the container, e.g. /run/secrets/<name>";
    } else if (p.equals("/")) {
      problem = "'/' would hide the container's whole filesystem; use a directory such as /run/secrets/<name>";
    } else if (p.contains("..") && List.of(p.split("/")).contains("..")) {
      problem = raw + " contains '..'; write the absolute path without it, e.g. /run/secrets/<name>";
    } else if (!Path.of(p).normalize().toString().equals(p)) {
      problem = raw + " is not normalized (no '//', '/./' or trailing '/'); write e.g. /run/secrets/<name>";
    } else {
      for (String dir : SYSTEM_DIRS) {
        if (p.equals(dir) || p.startsWith(dir + "/")) {
          problem = raw + " is under " + dir + ", which belongs to the system; secrets usually go to /run/secrets/<name>";
          break;
        }
      }
    }
    if (problem != null) {
      problems.add(node, key, problem);
      return null;
    }
    return p;
  }

  private static String suggestedPath(String secretName) {
    if (secretName == null) {
      return "/run/secrets/<name>";
    }
    String last = secretName.substring(secretName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return last.matches("[a-z0-9][a-z0-9_.-]*") ? "/run/secrets/" + last : "/run/secrets/<name>";
  }
}
