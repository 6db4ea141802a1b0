package io.dso.provider.huawei;

import io.dso.provider.ProviderException;

/**
 * Which secret and which version to read: a secret's name in dso.yaml is a CSMS secret name,
 * optionally followed by {@code ?version_id=ID} or {@code ?version_stage=STAGE} to pin that one
 * secret; otherwise the provider's {@code version_id}/{@code version_stage} apply. Exactly one of
 * {@code versionId} and {@code versionStage} is set.
 */
record SecretAddress(String name, String versionId, String versionStage) {

  static SecretAddress of(String provider, String ref, HuaweiSettings settings) {
    int q = ref.indexOf('?');
    if (q < 0) {
      return new SecretAddress(ref, settings.versionId(), settings.versionStage());
    }
    String name = ref.substring(0, q);
    String query = ref.substring(q + 1);
    int eq = query.indexOf('=');
    String key = eq < 0 ? query : query.substring(0, eq);
    String value = eq < 0 ? "" : query.substring(eq + 1);
    if (name.isBlank() || value.isBlank() || value.contains("&") || !(key.equals("version_stage") || key.equals("version_id"))) {
      throw new ProviderException(provider, ref, false,
          "secret name '" + ref + "' has an unknown suffix; write <name>, <name>?version_id=ID or <name>?version_stage=STAGE");
    }
    return key.equals("version_id") ? new SecretAddress(name, value, null) : new SecretAddress(name, null, value);
  }

  /** A version id that names one fixed version (not {@code latest}): its content never changes. */
  boolean pinned() {
    return versionId != null && !versionId.equals(HuaweiSettings.LATEST);
  }

  String describe() {
    return versionId != null ? "version " + versionId : "stage " + versionStage;
  }
}
