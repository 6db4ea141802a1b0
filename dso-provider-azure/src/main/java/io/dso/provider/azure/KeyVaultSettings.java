package io.dso.provider.azure;

import io.dso.config.Durations;
import io.dso.provider.ProviderContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code azure} provider configuration. The client secret is held here only until the
 * credential is built; {@link #toString()} never prints it.
 */
record KeyVaultSettings(
    String vaultUrl,
    Format format,
    Auth auth,
    String tenantId,
    String clientId,
    String clientSecret,
    String authorityHost,
    Path caCert,
    boolean verifyChallengeResource,
    Duration connectTimeout,
    Duration readTimeout) {

  static final Set<String> KEYS =
      Set.of(
          "vault_url", "vault_name", "format", "auth", "tenant_id", "client_id", "client_secret",
          "client_secret_file", "authority_host", "ca_cert", "verify_challenge_resource",
          "connect_timeout", "read_timeout");

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

  /** How a secret's string becomes a payload. */
  enum Format {
    /** The whole string under key {@code value}. */
    TEXT,
    /** A JSON object string, one key per member. */
    JSON
  }

  /** Which Microsoft Entra ID credential signs the requests. */
  enum Auth {
    /** The SDK's default chain: environment, workload identity, managed identity, Azure CLI, ... */
    DEFAULT,
    SERVICE_PRINCIPAL,
    MANAGED_IDENTITY,
    WORKLOAD_IDENTITY,
    AZURE_CLI
  }

  @Override
  public String toString() {
    return "KeyVaultSettings[vault_url=" + vaultUrl + ", format=" + format + ", auth=" + auth
        + ", tenant_id=" + tenantId + ", client_id=" + clientId + ", client_secret="
        + (clientSecret == null ? "unset" : "(hidden)") + "]";
  }

  /** Problems with a config block, as sentences; no I/O beyond nothing at all. */
  static List<String> problems(Map<String, Object> config) {
    List<String> problems = new ArrayList<>();
    boolean url = present(config, "vault_url");
    boolean name = present(config, "vault_name");
    if (url == name) {
      problems.add(url
          ? "set either 'vault_url' or 'vault_name', not both"
          : "missing 'vault_url' (https://<name>.vault.azure.net) or 'vault_name'");
    }
    if (url) {
      String u = config.get("vault_url").toString();
      try {
        URI uri = new URI(u);
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
          problems.add("'vault_url' must be an https URL such as https://<name>.vault.azure.net, found '" + u + "'");
        }
      } catch (java.net.URISyntaxException e) {
        problems.add("'vault_url' is not a URL: '" + u + "'");
      }
    }
    if (name && !config.get("vault_name").toString().matches("[0-9A-Za-z-]{3,24}")) {
      problems.add("'vault_name' must be 3-24 letters, digits or hyphens (the vault's name, not its URL)");
    }
    enumProblem(config, "format", Format.class, problems);
    enumProblem(config, "auth", Auth.class, problems);
    if (present(config, "client_secret") && present(config, "client_secret_file")) {
      problems.add("set either 'client_secret' or 'client_secret_file', not both");
    }
    for (String key : List.of("connect_timeout", "read_timeout")) {
      if (present(config, key)) {
        try {
          Durations.parse(config.get(key).toString());
        } catch (IllegalArgumentException e) {
          problems.add("'" + key + "': " + e.getMessage());
        }
      }
    }
    Object verify = config.get("verify_challenge_resource");
    if (verify != null && !"true".equals(verify.toString()) && !"false".equals(verify.toString())) {
      problems.add("'verify_challenge_resource' must be true or false");
    }
    return problems;
  }

  /** Builds the settings; config wins over the AZURE_* environment variables. */
  static KeyVaultSettings from(ProviderContext context) {
    Map<String, Object> config = context.config();
    Map<String, String> env = context.environment();
    String vaultUrl =
        present(config, "vault_url")
            ? config.get("vault_url").toString()
            : "https://" + config.get("vault_name") + ".vault.azure.net";
    String secret = string(config, "client_secret", null);
    if (present(config, "client_secret_file")) {
      secret = readSecretFile(context.path("client_secret_file"), context.name());
    }
    if (secret == null) {
      secret = env.get("AZURE_CLIENT_SECRET");
    }
    Auth auth =
        present(config, "auth")
            ? parseEnum(Auth.class, config.get("auth").toString())
            // A client secret from config or AZURE_CLIENT_SECRET means a service principal: the
            // chain would otherwise also try managed identity (a request to the instance metadata
            // endpoint) when the environment lacks a tenant or client id.
            : secret != null ? Auth.SERVICE_PRINCIPAL : Auth.DEFAULT;
    return new KeyVaultSettings(
        vaultUrl,
        present(config, "format") ? parseEnum(Format.class, config.get("format").toString()) : Format.TEXT,
        auth,
        string(config, "tenant_id", env.get("AZURE_TENANT_ID")),
        string(config, "client_id", env.get("AZURE_CLIENT_ID")),
        secret,
        string(config, "authority_host", env.get("AZURE_AUTHORITY_HOST")),
        present(config, "ca_cert") ? context.path("ca_cert") : null,
        !"false".equals(String.valueOf(config.get("verify_challenge_resource"))),
        present(config, "connect_timeout")
            ? Durations.parse(config.get("connect_timeout").toString())
            : DEFAULT_CONNECT_TIMEOUT,
        present(config, "read_timeout")
            ? Durations.parse(config.get("read_timeout").toString())
            : DEFAULT_READ_TIMEOUT);
  }

  private static String readSecretFile(Path file, String provider) {
    try {
      return java.nio.file.Files.readString(file).strip();
    } catch (java.io.IOException e) {
      // The path is configuration, not a secret; the content is never quoted.
      throw new IllegalStateException(
          "provider '" + provider + "': cannot read client_secret_file " + file + " ("
              + e.getClass().getSimpleName() + "); check that it exists and is readable by the agent");
    }
  }

  private static <E extends Enum<E>> void enumProblem(
      Map<String, Object> config, String key, Class<E> type, List<String> problems) {
    if (!present(config, key)) {
      return;
    }
    try {
      parseEnum(type, config.get(key).toString());
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        allowed.add(c.name().toLowerCase(Locale.ROOT));
      }
      problems.add("'" + key + "' must be one of " + String.join(", ", allowed) + ", found '" + config.get(key) + "'");
    }
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String value) {
    return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  private static boolean present(Map<String, Object> config, String key) {
    Object v = config.get(key);
    return v != null && !v.toString().isBlank();
  }

  private static String string(Map<String, Object> config, String key, String fallback) {
    return present(config, key) ? config.get(key).toString() : fallback;
  }
}
