package io.dso.config;

import java.util.Objects;

/**
 * How one secret is injected. For {@code ENV}, {@code path}, {@code uid}, {@code gid} and {@code format}
 * are null; for {@code FILE}, {@code format} is never null and {@code path} is null only in {@link Defaults}.
 */
public record InjectSpec(InjectMode mode, String path, Integer uid, Integer gid, FileFormat format) {
  public static final InjectSpec ENV = new InjectSpec(InjectMode.ENV, null, null, null, null);

  public InjectSpec {
    Objects.requireNonNull(mode, "mode");
    if (mode == InjectMode.ENV && (path != null || uid != null || gid != null || format != null)) {
      throw new IllegalArgumentException("env injection takes no path, uid, gid or format");
    }
    if (mode == InjectMode.FILE) {
      Objects.requireNonNull(format, "format");
    }
  }
}
