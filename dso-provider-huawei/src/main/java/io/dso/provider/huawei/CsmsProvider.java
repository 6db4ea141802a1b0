package io.dso.provider.huawei;

import com.huaweicloud.sdk.core.exception.SdkException;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.Stage;
import com.huaweicloud.sdk.csms.v1.model.Version;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads secrets from Huawei Cloud CSMS: {@code ShowSecretVersion} for the value and, as the cheap
 * change check, {@code ShowSecretStage} for the version id a stage points at (metadata only).
 * The SDK's own retry is never switched on: the agent's retry policy is the only one.
 */
final class CsmsProvider implements SecretProvider {
  static final String GET_VERSION = "csms:secret:getVersion";
  static final String GET_STAGE = "csms:secret:getStage";
  /** The stage CSMS gives the version that {@code latest} reads. */
  static final String CURRENT_STAGE = "SYSCURRENT";

  private final String name;
  private final HuaweiSettings settings;
  private final CsmsClient client;

  CsmsProvider(String name, HuaweiSettings settings, CsmsClient client) {
    this.name = name;
    this.settings = settings;
    this.client = client;
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    SecretAddress address = SecretAddress.of(name, ref.name(), settings);
    String versionId = address.versionId() != null ? address.versionId() : stageVersion(ref, address, address.versionStage());
    Version version = call(ref, address, GET_VERSION, () -> client.showSecretVersion(
        new ShowSecretVersionRequest().withSecretName(address.name()).withVersionId(versionId)).getVersion());
    if (version == null) {
      throw new ProviderException(name, ref.name(), true, "CSMS answered without a version for secret '" + address.name() + "'");
    }
    SecretPayload payload = CsmsPayloads.of(name, ref.name(), version.getSecretString(), version.getSecretBinary());
    String id = version.getVersionMetadata() == null ? null : version.getVersionMetadata().getId();
    return id == null ? payload : payload.withChangeToken(id);
  }

  @Override
  public Optional<String> changeToken(SecretRef ref) {
    SecretAddress address = SecretAddress.of(name, ref.name(), settings);
    if (address.pinned()) {
      return Optional.of(address.versionId()); // one fixed version: nothing to ask
    }
    String stage = address.versionStage() != null ? address.versionStage() : CURRENT_STAGE;
    return Optional.of(stageVersion(ref, address, stage));
  }

  private String stageVersion(SecretRef ref, SecretAddress address, String stage) {
    Stage s = call(ref, address, GET_STAGE, () -> client.showSecretStage(
        new ShowSecretStageRequest().withSecretName(address.name()).withStageName(stage)).getStage());
    if (s == null || s.getVersionId() == null || s.getVersionId().isBlank()) {
      throw new ProviderException(name, ref.name(), false,
          "stage '" + stage + "' of secret '" + address.name() + "' points at no version; attach the stage to a version in CSMS");
    }
    return s.getVersionId();
  }

  private <T> T call(SecretRef ref, SecretAddress address, String permission, Supplier<T> request) {
    try {
      return request.get();
    } catch (SdkException e) {
      throw CsmsErrors.map(name, ref.name(), address, settings, permission, e);
    }
  }
}
