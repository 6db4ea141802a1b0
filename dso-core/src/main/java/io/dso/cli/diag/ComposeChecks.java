package io.dso.cli.diag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Doctor's checks of a Compose project directory: a plaintext {@code .env} (values that should live
 * in the vault) and malformed {@code dso://} / {@code dsofile://} references. Only names, file
 * positions and the references themselves are reported, never a value.
 */
final class ComposeChecks {
  static final List<String> COMPOSE_FILES = List.of("compose.yaml", "compose.yml", "docker-compose.yml",
      "docker-compose.yaml", "docker-compose.override.yml", "docker-compose.override.yaml", "docker-compose.dso.yml");
  // A colon and a slash: "dso:latest" (an image tag) or "dso:" (a YAML key) is no reference at all.
  private static final Pattern START = Pattern.compile("(?<![A-Za-z0-9_.\\-])(dsofile|dso):(?=/)");
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_.\\-/]*");
  private static final Pattern NEXT_WORD_WITH_SLASH = Pattern.compile(" +[A-Za-z0-9_.\\-]+/.*");
  private static final Pattern ENV_LINE = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*(.*)$");
  private static final int SHOWN = 10;

  /** One malformed reference: where, the text as written (capped), and why. */
  record Malformed(String file, int line, String reference, String why) {
    String render() {
      return file + ":" + line + ": '" + reference + "' " + why;
    }
  }

  private ComposeChecks() {}

  /** The checks for {@code dir}; empty when it holds no Compose file (not a project directory). */
  static List<Check> run(Path dir) {
    List<Path> composeFiles = COMPOSE_FILES.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
    if (composeFiles.isEmpty()) {
      return List.of();
    }
    List<Check> out = new ArrayList<>();
    Path env = dir.resolve(".env");
    out.add(plaintextEnv(env));
    List<Path> scanned = new ArrayList<>(composeFiles);
    if (Files.isRegularFile(env)) {
      scanned.add(env);
    }
    List<Malformed> bad = new ArrayList<>();
    for (Path f : scanned) {
      bad.addAll(malformed(f.getFileName().toString(), read(f)));
    }
    if (bad.isEmpty()) {
      out.add(Check.pass("compose references", "every dso:// and dsofile:// reference in "
          + String.join(", ", scanned.stream().map(p -> p.getFileName().toString()).toList()) + " is well formed"));
    } else {
      List<String> shown = bad.stream().limit(SHOWN).map(Malformed::render).toList();
      out.add(Check.fail("compose references", bad.size() + " malformed reference(s): " + String.join("; ", shown)
          + (bad.size() > SHOWN ? "; ..." : ""),
          "write references as dso://<project>/<name> or dsofile://<project>/<name>: two slashes after the colon,"
              + " then segments of letters, digits, _ . - separated by single slashes, no spaces"));
    }
    return out;
  }

  /** As {@link #run}, for a directory the user named: one that is not there or holds no Compose file fails. */
  static List<Check> runGiven(Path dir) {
    String fix = "pass --project-dir the directory that holds compose.yaml or docker-compose.yml";
    if (!Files.isDirectory(dir)) {
      return List.of(Check.fail("compose project", dir + (Files.exists(dir) ? " is not a directory" : " does not exist"), fix));
    }
    List<Check> checks = run(dir);
    return checks.isEmpty()
        ? List.of(Check.fail("compose project", "no Compose file in " + dir + " (" + String.join(", ", COMPOSE_FILES) + ")", fix))
        : checks;
  }

  static Check plaintextEnv(Path env) {
    if (!Files.isRegularFile(env)) {
      return Check.pass("plaintext .env", "no .env file");
    }
    List<String> names = new ArrayList<>();
    for (String line : read(env)) {
      Matcher m = ENV_LINE.matcher(line);
      if (line.strip().startsWith("#") || !m.matches()) {
        continue;
      }
      String value = unquote(m.group(2).strip());
      if (!value.isEmpty() && !io.dso.compose.EnvTemplate.hasReference(value)) { // a template around references holds no secret
        names.add(m.group(1));
      }
    }
    if (names.isEmpty()) {
      return Check.pass("plaintext .env", ".env holds no plaintext value");
    }
    List<String> secretLike = names.stream().filter(ComposeChecks::looksSecret).toList();
    return Check.warn("plaintext .env", ".env holds " + names.size() + " plaintext value(s)"
        + (secretLike.isEmpty() ? "" : ", " + secretLike.size() + " named like secrets: "
            + String.join(", ", secretLike.stream().limit(SHOWN).toList()) + (secretLike.size() > SHOWN ? ", ..." : "")),
        "move them into the local vault with `dso migrate` (it previews first and never changes the original files)");
  }

  /** The malformed references in {@code lines} of {@code file}; comment lines are skipped. */
  static List<Malformed> malformed(String file, List<String> lines) {
    List<Malformed> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.strip().startsWith("#")) {
        continue;
      }
      Matcher m = START.matcher(line);
      while (m.find()) {
        String why = problem(line.substring(m.end()));
        if (why != null) {
          out.add(new Malformed(file, i + 1, shown(line.substring(m.start()), why.contains("space")), why));
        }
      }
    }
    return out;
  }

  /** What is wrong with a reference whose text after {@code dso:} is {@code rest}; null when nothing. */
  static String problem(String rest) {
    if (!rest.startsWith("//")) {
      return "needs two slashes after the colon (dso://...)";
    }
    if (rest.length() > 2 && Character.isWhitespace(rest.charAt(2))) {
      return "has a space after ://";
    }
    Matcher p = PATH.matcher(rest);
    p.region(2, rest.length());
    p.lookingAt();
    String path = p.group();
    if (path.isEmpty()) {
      return "has no path after ://";
    }
    if (path.startsWith("/") || path.contains("//") || path.endsWith("/")) {
      return "has an empty path segment (a leading, doubled or trailing slash)";
    }
    if (NEXT_WORD_WITH_SLASH.matcher(rest.substring(2 + path.length())).matches()) {
      return "has a space inside the path";
    }
    return null;
  }

  private static boolean looksSecret(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    return n.contains("PASSWORD") || n.contains("PASSWD") || n.contains("SECRET") || n.contains("TOKEN")
        || n.endsWith("_KEY") || n.contains("API_KEY") || n.contains("CREDENTIAL") || n.endsWith("_PASS") || n.equals("KEY");
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  /** The reference as written: up to a quote or blank (one more word when the problem is a space), at most 60 chars. */
  private static String shown(String from, boolean spaced) {
    Matcher m = Pattern.compile(spaced ? "[^\\s\"']*\\s+[^\\s\"']*" : "[^\\s\"']*").matcher(from);
    String text = m.lookingAt() ? m.group() : from;
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }

  private static List<String> read(Path f) {
    try {
      return Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }
}
