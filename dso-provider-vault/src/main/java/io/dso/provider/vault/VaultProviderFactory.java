package io.dso.provider.vault;

import io.dso.provider.ProviderContext;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code vault} provider: HashiCorp Vault or OpenBao over its HTTP API (KV v1/v2, dynamic engines). */
public final class VaultProviderFactory implements SecretProviderFactory {
  private static final Logger LOG = LoggerFactory.getLogger(VaultProviderFactory.class);

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public String type() {
    return "vault";
  }

  @Override
  public List<String> validate(Map<String, Object> config) {
    return VaultSettings.problems(config, System.getenv());
  }

  @Override
  public SecretProvider create(ProviderContext context) {
    VaultSettings s = VaultSettings.from(context);
    if ("http".equals(s.address().getScheme()) && !s.loopback()) {
      LOG.warn("provider '{}': Vault address {} is plain http to a non-loopback host: the token travels in clear; use https",
          context.name(), s.address());
    }
    VaultHttp http = new VaultHttp(context.name(), s.address(), s.namespace(),
        VaultTls.context(s.caCert(), s.clientCert(), s.clientKey()));
    TokenSource tokens = switch (s.auth()) {
      case TOKEN -> s.tokenFile() != null ? new TokenSource.FromFile(context.name(), s.tokenFile()) : new RenewingToken(context.name(), http, s.token(), context.clock());
      case APPROLE -> LoginSession.approle(context.name(), http, s, context.clock());
      case JWT -> LoginSession.jwt(context.name(), http, s, context.clock());
    };
    return new VaultProvider(context.name(), s, http, tokens, context.clock());
  }
}
