package io.dso.provider.huawei;

import com.huaweicloud.sdk.core.exception.SdkException;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.Stage;
import com.huaweicloud.sdk.csms.v1.model.Version;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads secrets from Huawei Cloud CSMS: {@code ShowSecretVersion} for the value and, as the cheap
 * change check, {@code ShowSecretStage} for the version id a stage points at (metadata only).
 * The SDK's own retry is never switched on: the agent's retry policy is the only one.
 */
final class CsmsProvider implements SecretProvider {
  private static final Logger LOG = LoggerFactory.getLogger(CsmsProvider.class);
  static final String GET_VERSION = "csms:secret:getVersion";
  static final String GET_STAGE = "csms:secret:getStage";
  /** The stage CSMS gives the version that {@code latest} reads. */
  static final String CURRENT_STAGE = "SYSCURRENT";

  private final String name;
  private final HuaweiSettings settings;
  private final CsmsClient client;
  private volatile boolean stageDenied;

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
    if (address.versionStage() != null) {
      return Optional.of(stageVersion(ref, address, address.versionStage()));
    }
    if (stageDenied) {
      return Optional.empty();
    }
    try {
      return Optional.of(stageVersion(ref, address, CURRENT_STAGE));
    } catch (SecretAccessDeniedException e) {
      // Reading values needs only getVersion: without getStage the agent falls back to full reads.
      stageDenied = true;
      LOG.warn("provider '{}': no permission {} ({}); every poll now reads the full value instead of the version id",
          name, GET_STAGE, e.getMessage());
      return Optional.empty();
    }
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
