package io.dso.cli;

import java.nio.file.Path;

/** Finds the distribution's {@code plugins/} directory (set by the launcher as {@code dso.home}). */
public final class Plugins {
  private Plugins() {}

  public static Path defaultDir() {
    String home = System.getProperty("dso.home");
    return home == null ? null : Path.of(home, "plugins");
  }
}
