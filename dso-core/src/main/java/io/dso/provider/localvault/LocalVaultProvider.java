package io.dso.provider.localvault;

import io.dso.localvault.LocalVault;
import io.dso.localvault.VaultException;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Serves vault entries as {@code {"value": ...}}. Only the opened vault (its derived key) is kept,
 * no entry: every fetch decrypts the file again, and the change token (size, mtime, inode of
 * {@code vault.enc}) lets the agent skip the fetch while the file is unchanged. The vault is opened
 * again, key derivation and all, only when the file was replaced since it was last opened.
 */
final class LocalVaultProvider implements SecretProvider {
  private final String name;
  private final Path dir;
  private final Map<String, String> env;
  private LocalVault vault;
  private String openedAt;

  LocalVaultProvider(String name, Path dir, Map<String, String> env) {
    this.name = name;
    this.dir = dir;
    this.env = env;
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    try {
      LocalVault v = current();
      Optional<String> token = v.changeToken();
      String value = v.get(ref.name()).orElseThrow(() -> new SecretNotFoundException(name, ref.name(),
          "no entry of that name in " + v.file() + "; add it with 'dso secret set " + ref.name() + "'"));
      SecretPayload payload = new SecretPayload(Map.of("value", value));
      return token.map(payload::withChangeToken).orElse(payload);
    } catch (VaultException e) {
      throw failure(ref, e);
    }
  }

  @Override
  public Optional<String> changeToken(SecretRef ref) {
    try {
      return current().changeToken();
    } catch (VaultException e) {
      throw failure(ref, e);
    }
  }

  private synchronized LocalVault current() {
    if (vault != null) {
      String now = vault.changeToken().orElse(null);
      if (now != null && now.equals(openedAt)) {
        return vault;
      }
    }
    LocalVault opened = LocalVault.open(dir, env);
    vault = opened;
    openedAt = opened.changeToken().orElse(null);
    return opened;
  }

  private ProviderException failure(SecretRef ref, VaultException e) {
    // A damaged file or a wrong key stays so until someone acts; only file system trouble may pass.
    boolean retryable = e.reason() == VaultException.Reason.IO;
    return new ProviderException(name, ref.name(), retryable, "local vault: " + e.getMessage(), e);
  }
}
