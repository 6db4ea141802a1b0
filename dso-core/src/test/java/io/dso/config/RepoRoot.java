package io.dso.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, found by walking up from the working directory (Maven runs tests in dso-core/). */
final class RepoRoot {
  private RepoRoot() {}

  static Path find() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no directory with examples/ and pom.xml above " + Path.of("").toAbsolutePath());
  }
}
