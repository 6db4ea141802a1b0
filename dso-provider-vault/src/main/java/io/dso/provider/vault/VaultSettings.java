package io.dso.provider.vault;

import io.dso.provider.ProviderContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One vault provider's {@code config:} block, checked and typed. Values that may be secrets (the
 * token, the secret_id) are never put in a problem message; only key names are.
 */
record VaultSettings(
    URI address,
    String mount,
    String namespace,
    int kvVersion,
    Engine engine,
    AuthMethod auth,
    String authPath,
    String token,
    Path tokenFile,
    String roleId,
    String secretId,
    Path secretIdFile,
    String role,
    Path jwtFile,
    Path caCert,
    Path clientCert,
    Path clientKey) {

  /** What the mount holds: key/value secrets, or a dynamic engine issuing leased credentials. */
  enum Engine { KV, DYNAMIC }

  /** How the provider obtains its Vault token. */
  enum AuthMethod { TOKEN, APPROLE, JWT }

  static final Set<String> KEYS = Set.of(
      "address", "mount", "namespace", "kv_version", "engine", "auth", "auth_path", "token", "token_file",
      "role_id", "secret_id", "secret_id_file", "role", "jwt_file", "ca_cert", "client_cert", "client_key");

  /** Problems with the block as sentences naming keys; {@code env} supplies VAULT_ADDR / VAULT_TOKEN. */
  static List<String> problems(Map<String, Object> config, Map<String, String> env) {
    List<String> out = new ArrayList<>();
    for (String key : config.keySet()) {
      if (!KEYS.contains(key)) {
        out.add("unknown key '" + key + "' (allowed: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
      }
    }
    String address = str(config, "address", env.get("VAULT_ADDR"));
    if (address == null) {
      out.add("missing key 'address' (the Vault URL, e.g. https://vault.example:8200; VAULT_ADDR is used when set)");
    } else {
      try {
        URI uri = URI.create(address);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          out.add("'address' must be an http:// or https:// URL with a host, e.g. https://vault.example:8200");
        }
      } catch (IllegalArgumentException e) {
        out.add("'address' is not a valid URL; write it as https://host:8200");
      }
    }
    String kv = str(config, "kv_version", null);
    if (kv != null && !kv.equals("1") && !kv.equals("2")) {
      out.add("'kv_version' must be 1 or 2 (leave it out to detect it from the mount)");
    }
    String engine = str(config, "engine", "kv");
    if (!Set.of("kv", "dynamic").contains(engine.toLowerCase(Locale.ROOT))) {
      out.add("'engine' must be kv or dynamic (dynamic reads <mount>/creds/<role>, e.g. mount: database)");
    }
    String auth = str(config, "auth", "token").toLowerCase(Locale.ROOT);
    switch (auth) {
      case "token" -> {
        if (config.get("token") == null && config.get("token_file") == null && env.get("VAULT_TOKEN") == null) {
          out.add("auth 'token' needs 'token', 'token_file' or VAULT_TOKEN in the agent's environment");
        }
      }
      case "approle" -> {
        if (config.get("role_id") == null) {
          out.add("auth 'approle' needs 'role_id'");
        }
        if ((config.get("secret_id") == null) == (config.get("secret_id_file") == null)) {
          out.add("auth 'approle' needs exactly one of 'secret_id' and 'secret_id_file'");
        }
      }
      case "jwt" -> {
        if (config.get("role") == null || config.get("jwt_file") == null) {
          out.add("auth 'jwt' needs 'role' and 'jwt_file' (the file holding the JWT, re-read at each login)");
        }
      }
      default -> out.add("'auth' must be token, approle or jwt");
    }
    if ((config.get("client_cert") == null) != (config.get("client_key") == null)) {
      out.add("'client_cert' and 'client_key' go together (PEM certificate and PKCS#8 PEM key)");
    }
    return out;
  }

  static VaultSettings from(ProviderContext ctx) {
    Map<String, Object> c = ctx.config();
    Map<String, String> env = ctx.environment();
    List<String> problems = problems(c, env);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    AuthMethod auth = AuthMethod.valueOf(str(c, "auth", "token").toUpperCase(Locale.ROOT));
    String defaultAuthPath = auth == AuthMethod.JWT ? "jwt" : "approle";
    String address = str(c, "address", env.get("VAULT_ADDR"));
    return new VaultSettings(
        URI.create(address.endsWith("/") ? address.substring(0, address.length() - 1) : address),
        trimSlashes(str(c, "mount", "secret")),
        str(c, "namespace", env.get("VAULT_NAMESPACE")),
        Integer.parseInt(str(c, "kv_version", "0")),
        Engine.valueOf(str(c, "engine", "kv").toUpperCase(Locale.ROOT)),
        auth,
        trimSlashes(str(c, "auth_path", defaultAuthPath)),
        str(c, "token", auth == AuthMethod.TOKEN && c.get("token_file") == null ? env.get("VAULT_TOKEN") : null),
        path(ctx, "token_file"),
        str(c, "role_id", null),
        str(c, "secret_id", null),
        path(ctx, "secret_id_file"),
        str(c, "role", null),
        path(ctx, "jwt_file"),
        path(ctx, "ca_cert"),
        path(ctx, "client_cert"),
        path(ctx, "client_key"));
  }

  boolean loopback() {
    String host = address.getHost();
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }

  private static String str(Map<String, Object> c, String key, String fallback) {
    Object v = c.get(key);
    return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
  }

  private static Path path(ProviderContext ctx, String key) {
    return ctx.config().get(key) == null ? null : ctx.path(key);
  }

  private static String trimSlashes(String s) {
    String out = s;
    while (out.startsWith("/")) {
      out = out.substring(1);
    }
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  @Override
  public String toString() {
    // The record's generated form would print the token and secret_id.
    return "VaultSettings[" + address + ", mount=" + mount + ", auth=" + auth + "]";
  }
}
