package io.dso.provider.aws;

import io.dso.provider.ProviderContext;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.util.List;
import java.util.Map;

/** The {@code aws} provider type: AWS Secrets Manager, loaded as a plugin from {@code plugins/aws/}. */
public final class AwsProviderFactory implements SecretProviderFactory {
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
    return new AwsSecretsManagerProvider(context.name(), settings, new AwsClients(context.name(), settings, context.environment()));
  }
}
