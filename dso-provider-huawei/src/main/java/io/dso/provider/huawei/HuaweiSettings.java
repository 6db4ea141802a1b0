package io.dso.provider.huawei;

import io.dso.config.Durations;
import io.dso.provider.ConfigKeys;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code config:} block of a {@code huawei} provider, with the AK/SK resolved from the config or
 * the environment. {@link #toString()} says which credentials are set, never their values.
 */
record HuaweiSettings(
    String region,
    String projectId,
    String accessKey,
    String secretKey,
    String securityToken,
    URI endpoint,
    String versionId,
    String versionStage,
    Duration connectTimeout,
    Duration readTimeout) {
  static final String LATEST = "latest";
  static final Set<String> KEYS = Set.of(
      "region", "project_id", "access_key", "secret_key", "security_token", "endpoint",
      "version_id", "version_stage", "connect_timeout", "read_timeout");
  /** The environment names the Huawei Cloud SDKs document for the same values. */
  static final String ENV_AK = "HUAWEICLOUD_SDK_AK";
  static final String ENV_SK = "HUAWEICLOUD_SDK_SK";
  static final String ENV_TOKEN = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
  static final String ENV_PROJECT = "HUAWEICLOUD_SDK_PROJECT_ID";
  static final String ENV_REGION = "HUAWEICLOUD_SDK_REGION";

  /** Problems with a config block, as sentences naming the key; never quoting a credential. */
  static List<String> validate(Map<String, Object> config) {
    List<String> problems = new ArrayList<>(ConfigKeys.check(config, Set.of(), KEYS));
    String endpoint = str(config, "endpoint");
    if (endpoint != null) {
      try {
        URI u = URI.create(endpoint);
        if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http")) || u.getHost() == null) {
          problems.add("'endpoint' must be an http(s) URL such as https://csms.cn-north-4.myhuaweicloud.com, got '" + endpoint + "'");
        }
      } catch (IllegalArgumentException e) {
        problems.add("'endpoint' is not a URL: '" + endpoint + "'");
      }
    }
    if ((str(config, "access_key") == null) != (str(config, "secret_key") == null)) {
      problems.add("'access_key' and 'secret_key' go together: set both, or neither to read "
          + ENV_AK + " and " + ENV_SK + " from the environment");
    }
    if (str(config, "version_stage") != null && str(config, "version_id") != null) {
      problems.add("set 'version_stage' or 'version_id', not both: a version id already names one version");
    }
    for (String key : List.of("connect_timeout", "read_timeout")) {
      String v = str(config, key);
      if (v != null) {
        try {
          Duration d = Durations.parse(v);
          if (d.toSeconds() < 1) {
            problems.add("'" + key + "' must be at least 1s (the SDK counts whole seconds)");
          }
        } catch (IllegalArgumentException e) {
          problems.add("'" + key + "': " + e.getMessage());
        }
      }
    }
    return problems;
  }

  /**
   * Reads a block that {@link #validate} accepted, filling AK/SK, security token, project and region
   * from the environment when the config leaves them out.
   *
   * @throws IllegalArgumentException naming what is missing and where it is looked for
   */
  static HuaweiSettings from(Map<String, Object> config, Map<String, String> env) {
    List<String> problems = validate(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    boolean keysInConfig = str(config, "access_key") != null;
    String ak = keysInConfig ? str(config, "access_key") : blankToNull(env.get(ENV_AK));
    String sk = keysInConfig ? str(config, "secret_key") : blankToNull(env.get(ENV_SK));
    String token = str(config, "security_token") != null ? str(config, "security_token")
        : keysInConfig ? null : blankToNull(env.get(ENV_TOKEN));
    String project = orElse(str(config, "project_id"), blankToNull(env.get(ENV_PROJECT)));
    String region = orElse(str(config, "region"), blankToNull(env.get(ENV_REGION)));
    URI endpoint = str(config, "endpoint") == null ? null : URI.create(str(config, "endpoint"));
    List<String> missing = new ArrayList<>();
    if (ak == null || sk == null) {
      missing.add("no AK/SK: set 'access_key' and 'secret_key' in the provider's config or "
          + ENV_AK + " and " + ENV_SK + " in the agent's environment");
    }
    if (project == null) {
      missing.add("no project: set 'project_id' (My Credentials > API Credentials shows the id per region) or " + ENV_PROJECT);
    }
    if (region == null && endpoint == null) {
      missing.add("no region: set 'region' (e.g. cn-north-4), " + ENV_REGION + ", or an 'endpoint'");
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", missing));
    }
    String id = str(config, "version_id");
    return new HuaweiSettings(region, project, ak, sk, token, endpoint,
        id == null && str(config, "version_stage") == null ? LATEST : id,
        str(config, "version_stage"),
        duration(config, "connect_timeout", Duration.ofSeconds(5)),
        duration(config, "read_timeout", Duration.ofSeconds(10)));
  }

  private static String str(Map<String, Object> config, String key) {
    Object v = config.get(key);
    return v == null ? null : blankToNull(v.toString());
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static String orElse(String v, String fallback) {
    return v == null ? fallback : v;
  }

  private static Duration duration(Map<String, Object> config, String key, Duration fallback) {
    String v = str(config, key);
    return v == null ? fallback : Durations.parse(v);
  }

  @Override
  public String toString() {
    return "HuaweiSettings[region=" + region + ", projectId=" + projectId + ", endpoint=" + endpoint
        + ", accessKey=" + (accessKey == null ? "unset" : "set") + ", securityToken=" + (securityToken == null ? "unset" : "set")
        + ", versionId=" + versionId + ", versionStage=" + versionStage + "]";
  }
}
