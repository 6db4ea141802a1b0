package io.dso.provider.aws;

import io.dso.provider.ProviderContext;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code aws} provider type: AWS Secrets Manager, loaded as a plugin from {@code plugins/aws/}. */
public final class AwsProviderFactory implements SecretProviderFactory {
  private static final Logger LOG = LoggerFactory.getLogger(AwsProviderFactory.class);

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public String type() {
    return "aws";
  }

  @Override
  public List<String> validate(Map<String, Object> config) {
    return AwsSettings.validate(config);
  }

  @Override
  public SecretProvider create(ProviderContext context) {
    AwsSettings settings = AwsSettings.from(context.config());
    for (var endpoint : new java.net.URI[] {settings.endpoint(), settings.stsEndpoint()}) {
      if (endpoint != null && "http".equals(endpoint.getScheme()) && !loopback(endpoint.getHost())) {
        // Requests are signed, but secret values (and STS temporary keys) would cross the network in clear.
        LOG.warn("provider '{}': endpoint {} is plain http to a non-loopback host; secret values travel unencrypted, use https",
            context.name(), endpoint);
      }
    }
    return new AwsSecretsManagerProvider(context.name(), settings, new AwsClients(context.name(), settings, context.environment()));
  }

  private static boolean loopback(String host) {
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
  }
}
