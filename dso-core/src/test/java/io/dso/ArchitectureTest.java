package io.dso;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependency direction of DESIGN.md: cli, api -> agent -> (trigger, rotation, inject) ->
 * (docker, cache, provider) -> config; observability is used by all and uses none of them.
 */
class ArchitectureTest {
  /** Top-level package -> the io.dso packages it may import (besides itself and io.dso root). */
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("observability", Set.of()),
      Map.entry("config", Set.of()),
      Map.entry("provider", Set.of("config", "observability")),
      Map.entry("cache", Set.of("provider", "config", "observability")),
      Map.entry("docker", Set.of("config", "observability")),
      Map.entry("inject", Set.of("docker", "cache", "provider", "config", "observability")),
      Map.entry("rotation", Set.of("inject", "docker", "cache", "provider", "config", "observability")),
      Map.entry("trigger", Set.of("rotation", "inject", "docker", "cache", "provider", "config", "observability")),
      Map.entry("agent", Set.of("trigger", "rotation", "inject", "docker", "cache", "provider", "config", "observability")),
      Map.entry("api", Set.of("agent", "trigger", "rotation", "inject", "docker", "cache", "provider", "config", "observability")),
      Map.entry("localvault", Set.of("provider", "config", "observability")),
      Map.entry("compose", Set.of("api", "agent", "trigger", "rotation", "inject", "docker", "cache", "provider", "config",
          "observability", "localvault")),
      // notify is wired by the CLI next to the agent and its route plugs into the socket API.
      Map.entry("notify", Set.of("api", "provider", "config", "observability")),
      Map.entry("cli", Set.of("compose", "localvault", "notify", "api", "agent", "trigger", "rotation", "inject", "docker", "cache",
          "provider", "config", "observability")));

  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.dso\\.([a-z]+)\\.", Pattern.MULTILINE);
  private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.dso\\.([a-z]+)\\.[A-Za-z]");

  @Test
  void packagesOnlyDependDownwards() throws IOException {
    Path root = Path.of("src/main/java/io/dso");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Path rel = root.relativize(file);
        if (rel.getNameCount() < 2) {
          continue; // io.dso root types (DsoException) are shared by all
        }
        String pkg = rel.getName(0).toString();
        assertThat(ALLOWED).as("package io.dso.%s must be placed in the layering", pkg).containsKey(pkg);
        String text = Files.readString(file);
        for (Pattern p : List.of(IMPORT, QUALIFIED)) {
          Matcher m = p.matcher(text);
          while (m.find()) {
            String target = m.group(1);
            if (!target.equals(pkg) && !ALLOWED.get(pkg).contains(target)) {
              violations.add(rel + " uses io.dso." + target);
            }
          }
        }
      }
    }
    assertThat(violations).as("wrong-way dependencies").isEmpty();
  }
}
