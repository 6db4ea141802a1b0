package io.dso.provider.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Builds the Secrets Manager client of one provider: region, endpoint, credentials (static keys,
 * the environment given to the agent, a profile, else the SDK's default chain: web identity, ECS,
 * EC2 instance metadata), optionally an assumed role. The SDK's own retries are off: the agent
 * already retries retryable failures with backoff and jitter, and two retry layers would multiply.
 */
final class AwsClients implements AutoCloseable {
  final SecretsManagerClient secretsManager;
  final Region region;
  private final List<AutoCloseable> owned = new ArrayList<>();

  AwsClients(String provider, AwsSettings s, Map<String, String> env) {
    this.region = region(provider, s, env);
    SdkHttpClient http = UrlConnectionHttpClient.builder()
        .connectionTimeout(s.connectTimeout())
        .socketTimeout(s.readTimeout())
        .build();
    owned.add(http);
    ClientOverrideConfiguration override = ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.doNotRetry())
        .apiCallTimeout(s.connectTimeout().plus(s.readTimeout()).plus(Duration.ofSeconds(1)))
        .build();
    AwsCredentialsProvider credentials = baseCredentials(s, env);
    if (s.roleArn() != null) {
      var sts = StsClient.builder().region(region).httpClient(http).credentialsProvider(credentials).overrideConfiguration(override);
      if (s.stsEndpoint() != null) {
        sts.endpointOverride(s.stsEndpoint());
      }
      StsClient stsClient = sts.build();
      owned.add(stsClient);
      StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
          .stsClient(stsClient)
          .refreshRequest(r -> {
            r.roleArn(s.roleArn()).roleSessionName(s.roleSessionName());
            if (s.externalId() != null) {
              r.externalId(s.externalId());
            }
          })
          .build();
      owned.add(assumed);
      credentials = assumed;
    }
    var builder = SecretsManagerClient.builder()
        .region(region)
        .httpClient(http)
        .credentialsProvider(credentials)
        .overrideConfiguration(override);
    if (s.endpoint() != null) {
      builder.endpointOverride(s.endpoint());
    }
    secretsManager = builder.build();
    owned.add(secretsManager);
  }

  private static Region region(String provider, AwsSettings s, Map<String, String> env) {
    for (String r : new String[] {s.region(), env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION")}) {
      if (r != null && !r.isBlank()) {
        return Region.of(r.strip());
      }
    }
    try {
      // Profile files and, on EC2, instance metadata.
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "no AWS region for provider '" + provider + "': set 'region' in its config or AWS_REGION in the agent's environment");
    }
  }

  private static AwsCredentialsProvider baseCredentials(AwsSettings s, Map<String, String> env) {
    if (s.accessKeyId() != null) {
      return StaticCredentialsProvider.create(keys(s.accessKeyId(), s.secretAccessKey(), s.sessionToken()));
    }
    // The agent's environment (as handed to the provider) first, as the SDK's environment step would.
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id != null && !id.isBlank() && secret != null && !secret.isBlank()) {
      return StaticCredentialsProvider.create(keys(id.strip(), secret.strip(), env.get("AWS_SESSION_TOKEN")));
    }
    if (s.profile() != null) {
      return ProfileCredentialsProvider.create(s.profile());
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private static AwsCredentials keys(String id, String secret, String token) {
    return token == null || token.isBlank()
        ? AwsBasicCredentials.create(id, secret)
        : AwsSessionCredentials.create(id, secret, token.strip());
  }

  @Override
  public void close() {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        // closing releases idle connections only; nothing to report
      }
    }
  }
}
