package io.dso.provider.azure;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import io.dso.provider.PayloadJson;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configured Azure Key Vault. A secret's string is exposed under key {@code value}, or split into
 * keys when the provider's format is {@code json}; {@code name/version} or {@code name?version=v} pins
 * a version.
 */
final class KeyVaultProvider implements SecretProvider {
  // Key Vault names: 1-127 letters, digits and hyphens; versions: 32 hex digits (accepted loosely).
  private static final Pattern REF =
      Pattern.compile("([0-9A-Za-z-]{1,127})(?:/([0-9A-Za-z]{1,64})|\\?version=([0-9A-Za-z]{1,64}))?");
  static final Duration MAX_RETRY_AFTER_WAIT = Duration.ofSeconds(30);

  private final String provider;
  private final KeyVaultSettings settings;
  private final SecretClient client;
  private final ThrottleGate gate;

  KeyVaultProvider(String provider, KeyVaultSettings settings, SecretClient client, Clock clock) {
    this.provider = provider;
    this.settings = settings;
    this.client = client;
    this.gate = new ThrottleGate(clock, MAX_RETRY_AFTER_WAIT);
  }

  /** A secret reference split into the vault's name and an optional pinned version. */
  record Name(String name, String version) {}

  Name parse(SecretRef ref) {
    Matcher m = REF.matcher(ref.name());
    if (!m.matches()) {
      throw new ProviderException(provider, ref.name(), false,
          "'" + ref.name() + "' is not an Azure Key Vault secret name (1-127 letters, digits and hyphens, "
              + "optionally followed by /<version> or ?version=<version>)");
    }
    return new Name(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    Name n = parse(ref);
    gate.awaitTurn(provider, ref.name());
    KeyVaultSecret secret;
    try {
      secret = client.getSecret(n.name(), n.version());
    } catch (RuntimeException e) {
      throw KeyVaultErrors.map(e, provider, ref.name(), settings.vaultUrl(), gate);
    }
    String value = secret.getValue();
    if (value == null) {
      throw new ProviderException(provider, ref.name(), false,
          "Azure Key Vault returned secret '" + ref.name() + "' without a value; check that it is enabled");
    }
    SecretPayload payload =
        settings.format() == KeyVaultSettings.Format.JSON
            ? PayloadJson.toPayload(
                PayloadJson.parse(value, provider, ref.name(), "secret '" + ref.name() + "'"), provider, ref.name())
            : new SecretPayload(Map.of("value", value));
    String version = secret.getProperties() == null ? null : secret.getProperties().getVersion();
    return version == null ? payload : payload.withChangeToken(version);
  }

  /**
   * A pinned version is its own token and costs no request. For the current version Key Vault offers
   * no value-free read: its only value-free source is the list of all versions, paged and unordered,
   * which costs more than the single read, so the agent reads the secret instead.
   */
  @Override
  public Optional<String> changeToken(SecretRef ref) {
    return Optional.ofNullable(parse(ref).version());
  }
}
