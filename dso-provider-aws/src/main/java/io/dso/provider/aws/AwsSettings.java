package io.dso.provider.aws;

import io.dso.config.Durations;
import io.dso.provider.ConfigKeys;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code config:} block of an {@code aws} provider. Static keys, when given, are held here but
 * never printed: {@link #toString()} names which options are set, not their values.
 */
record AwsSettings(
    String region,
    URI endpoint,
    URI stsEndpoint,
    String profile,
    String roleArn,
    String roleSessionName,
    String externalId,
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    String versionStage,
    String versionId,
    boolean includeTags,
    Duration connectTimeout,
    Duration readTimeout) {
  static final String DEFAULT_STAGE = "AWSCURRENT";
  static final Set<String> KEYS = Set.of(
      "region", "endpoint", "sts_endpoint", "profile", "role_arn", "role_session_name", "external_id",
      "access_key_id", "secret_access_key", "session_token", "version_stage", "version_id", "tags",
      "connect_timeout", "read_timeout");

  /** Problems with a config block as sentences naming the key; never quoting a credential. */
  static List<String> validate(Map<String, Object> config) {
    List<String> problems = new ArrayList<>(ConfigKeys.check(config, Set.of(), KEYS));
    for (String key : List.of("endpoint", "sts_endpoint")) {
      String v = str(config, key);
      if (v != null) {
        try {
          URI u = URI.create(v);
          if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http")) || u.getHost() == null) {
            problems.add("'" + key + "' must be an http(s) URL such as https://secretsmanager.eu-west-1.amazonaws.com, got '" + v + "'");
          }
        } catch (IllegalArgumentException e) {
          problems.add("'" + key + "' is not a URL: '" + v + "'");
        }
      }
    }
    if ((str(config, "access_key_id") == null) != (str(config, "secret_access_key") == null)) {
      problems.add("'access_key_id' and 'secret_access_key' go together: set both or neither (neither uses the default credential chain)");
    }
    if (str(config, "session_token") != null && str(config, "access_key_id") == null) {
      problems.add("'session_token' needs 'access_key_id' and 'secret_access_key'");
    }
    String role = str(config, "role_arn");
    if (role != null && !role.startsWith("arn:")) {
      problems.add("'role_arn' must be an IAM role ARN such as arn:aws:iam::123456789012:role/dso-reader, got '" + role + "'");
    }
    if (role == null && (str(config, "role_session_name") != null || str(config, "external_id") != null)) {
      problems.add("'role_session_name' and 'external_id' only apply with 'role_arn'");
    }
    if (str(config, "version_stage") != null && str(config, "version_id") != null) {
      problems.add("set 'version_stage' or 'version_id', not both: a version id already names one version");
    }
    Object tags = config.get("tags");
    if (tags != null && !(tags instanceof Boolean) && !List.of("true", "false").contains(tags.toString())) {
      problems.add("'tags' must be true or false, got '" + tags + "'");
    }
    for (String key : List.of("connect_timeout", "read_timeout")) {
      String v = str(config, key);
      if (v != null) {
        try {
          if (Durations.parse(v).isZero()) {
            problems.add("'" + key + "' must be more than zero, e.g. 5s");
          }
        } catch (IllegalArgumentException e) {
          problems.add("'" + key + "': " + e.getMessage());
        }
      }
    }
    return problems;
  }

  /** Reads a block that {@link #validate} accepted. */
  static AwsSettings from(Map<String, Object> config) {
    List<String> problems = validate(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String stage = str(config, "version_stage");
    String id = str(config, "version_id");
    return new AwsSettings(
        str(config, "region"),
        uri(config, "endpoint"),
        uri(config, "sts_endpoint"),
        str(config, "profile"),
        str(config, "role_arn"),
        orElse(str(config, "role_session_name"), "dso-agent"),
        str(config, "external_id"),
        str(config, "access_key_id"),
        str(config, "secret_access_key"),
        str(config, "session_token"),
        id == null ? orElse(stage, DEFAULT_STAGE) : null,
        id,
        Boolean.parseBoolean(String.valueOf(config.getOrDefault("tags", "false"))),
        duration(config, "connect_timeout", Duration.ofSeconds(5)),
        duration(config, "read_timeout", Duration.ofSeconds(10)));
  }

  private static String str(Map<String, Object> config, String key) {
    Object v = config.get(key);
    return v == null || v.toString().isBlank() ? null : v.toString().strip();
  }

  private static String orElse(String v, String fallback) {
    return v == null ? fallback : v;
  }

  private static URI uri(Map<String, Object> config, String key) {
    String v = str(config, key);
    return v == null ? null : URI.create(v);
  }

  private static Duration duration(Map<String, Object> config, String key, Duration fallback) {
    String v = str(config, key);
    return v == null ? fallback : Durations.parse(v);
  }

  @Override
  public String toString() {
    return "AwsSettings[region=" + region + ", endpoint=" + endpoint + ", stsEndpoint=" + stsEndpoint
        + ", profile=" + profile + ", roleArn=" + roleArn + ", staticKeys=" + (accessKeyId != null)
        + ", versionStage=" + versionStage + ", versionId=" + versionId + ", tags=" + includeTags + "]";
  }
}
