package io.dso.provider.vault;

import io.dso.provider.ProviderException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A secret name as written in dso.yaml: a path inside the mount, optionally pinned to a KV v2
 * version with {@code ?version=N} ({@code myapp/db?version=3}).
 */
record SecretName(String path, Integer version) {
  static SecretName parse(String provider, String name) {
    String path = name;
    Integer version = null;
    int q = name.indexOf('?');
    if (q >= 0) {
      path = name.substring(0, q);
      String query = name.substring(q + 1);
      if (!query.startsWith("version=")) {
        throw new ProviderException(provider, name, false,
            "secret name '" + name + "': the only option after '?' is version=N (a KV v2 version number)");
      }
      try {
        version = Integer.valueOf(query.substring("version=".length()));
      } catch (NumberFormatException e) {
        version = -1;
      }
      if (version < 1) {
        throw new ProviderException(provider, name, false,
            "secret name '" + name + "': version must be a positive whole number, e.g. myapp/db?version=3");
      }
    }
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path.isEmpty() || path.contains("..")) {
      throw new ProviderException(provider, name, false,
          "secret name '" + name + "' must be a path inside the mount such as myapp/db (no '..')");
    }
    return new SecretName(path, version);
  }

  /** The path with each segment percent-encoded for the URL (a name may hold spaces or '#'). */
  String urlPath() {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }
}
