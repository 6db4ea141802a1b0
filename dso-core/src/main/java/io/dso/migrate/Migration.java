package io.dso.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Carries out a {@link MigrationPlan}: every chosen value into the vault in one write, then
 * {@code docker-compose.dso.yml} (written to a temp file beside it and renamed; it holds references,
 * never values). The original files are only read.
 */
public final class Migration {
  private Migration() {}

  /**
   * Refuses before anything is written when the output exists and {@code force} is off; then hands
   * the values to {@code vault} (one call: the vault's single atomic write) and writes the output.
   */
  public static Path apply(MigrationPlan plan, Consumer<Map<String, String>> vault, boolean force) {
    Path out = plan.dir().resolve(plan.output()).normalize();
    if (Files.exists(out) && !force) {
      throw new MigrateException(out + " already exists; pass --force to overwrite it");
    }
    for (Path original : originals(plan)) {
      if (original.equals(out)) {
        throw new MigrateException(plan.output() + " is one of the project's own files; choose another --output", 2);
      }
    }
    if (!plan.values().isEmpty()) {
      vault.accept(plan.values());
    }
    Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, plan.composeText(), StandardCharsets.UTF_8);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write already failed; that failure is what the user needs to see
      }
      throw new MigrateException("cannot write " + out + " (" + e.getClass().getSimpleName()
          + "); check that the directory is writable. The values are already in the vault; run again with --force");
    }
    return out;
  }

  private static java.util.List<Path> originals(MigrationPlan plan) {
    java.util.List<Path> out = new java.util.ArrayList<>();
    out.add(plan.dir().resolve(plan.composeFile()).normalize());
    plan.envFiles().forEach(f -> out.add(plan.dir().resolve(f).normalize()));
    return out;
  }
}
