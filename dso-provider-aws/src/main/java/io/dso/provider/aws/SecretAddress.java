package io.dso.provider.aws;

import io.dso.provider.ProviderException;

/**
 * Which secret and which version to read: a secret's name in dso.yaml is a Secrets Manager name or
 * ARN, optionally followed by {@code ?version_stage=LABEL} or {@code ?version_id=ID} to pin that one
 * secret; otherwise the provider's {@code version_stage}/{@code version_id} apply.
 */
record SecretAddress(String id, String versionStage, String versionId) {

  static SecretAddress of(String provider, String name, AwsSettings settings) {
    int q = name.indexOf('?');
    if (q < 0) {
      return new SecretAddress(name, settings.versionStage(), settings.versionId());
    }
    String id = name.substring(0, q);
    String query = name.substring(q + 1);
    int eq = query.indexOf('=');
    String key = eq < 0 ? query : query.substring(0, eq);
    String value = eq < 0 ? "" : query.substring(eq + 1);
    if (id.isBlank() || value.isBlank() || value.contains("&") || !(key.equals("version_stage") || key.equals("version_id"))) {
      throw new ProviderException(provider, name, false,
          "secret name '" + name + "' has an unknown suffix; write <name or ARN>, <name>?version_stage=LABEL or <name>?version_id=ID");
    }
    return key.equals("version_id") ? new SecretAddress(id, null, value) : new SecretAddress(id, value, null);
  }

  /** True when this reads the secret's current version, the only one a batch read returns. */
  boolean current() {
    return versionId == null && AwsSettings.DEFAULT_STAGE.equals(versionStage);
  }

  /** Whether a returned name or ARN is this secret (a full ARN ends in a 6-character suffix). */
  boolean matches(String name, String arn) {
    return id.equals(name) || id.equals(arn) || (arn != null && arn.length() == id.length() + 7 && arn.startsWith(id + "-"));
  }
}
