package io.dso.provider.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the SDK objects for one provider: JDK HTTP client, Entra ID credential, secrets client. */
final class KeyVaultClients {
  // The agent retries with backoff and jitter around every provider; SDK retries underneath would
  // multiply the attempts and hide throttling from it.
  private static final RetryOptions NO_RETRIES = new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1)));

  private KeyVaultClients() {}

  /**
   * The secrets client. {@code base} lets tests add a proxy selector that records every destination;
   * null means a plain JDK client builder.
   */
  static SecretClient secretClient(String provider, KeyVaultSettings s, java.net.http.HttpClient.Builder base) {
    HttpClient http = httpClient(provider, s, base);
    SecretClientBuilder builder =
        new SecretClientBuilder()
            .vaultUrl(s.vaultUrl())
            .httpClient(http)
            .retryOptions(NO_RETRIES)
            .credential(credential(provider, s, http));
    if (!s.verifyChallengeResource()) {
      // Only for a private endpoint whose host is not below the challenge's resource domain.
      builder.disableChallengeResourceVerification();
    }
    return builder.buildClient();
  }

  static HttpClient httpClient(String provider, KeyVaultSettings s, java.net.http.HttpClient.Builder base) {
    java.net.http.HttpClient.Builder jdk = base == null ? java.net.http.HttpClient.newBuilder() : base;
    if (s.caCert() != null) {
      jdk.sslContext(trusting(provider, s.caCert()));
    }
    return new JdkHttpClientBuilder(jdk)
        .connectionTimeout(s.connectTimeout())
        .responseTimeout(s.readTimeout())
        .readTimeout(s.readTimeout())
        .build();
  }

  static TokenCredential credential(String provider, KeyVaultSettings s, HttpClient http) {
    return switch (s.auth()) {
      case SERVICE_PRINCIPAL -> {
        List<String> missing = new ArrayList<>();
        if (s.tenantId() == null) {
          missing.add("tenant_id (or AZURE_TENANT_ID)");
        }
        if (s.clientId() == null) {
          missing.add("client_id (or AZURE_CLIENT_ID)");
        }
        if (s.clientSecret() == null) {
          missing.add("client_secret, client_secret_file (or AZURE_CLIENT_SECRET)");
        }
        if (!missing.isEmpty()) {
          throw new IllegalStateException(
              "provider '" + provider + "': service principal auth needs " + String.join(", ", missing));
        }
        ClientSecretCredentialBuilder b =
            new ClientSecretCredentialBuilder()
                .tenantId(s.tenantId())
                .clientId(s.clientId())
                .clientSecret(s.clientSecret())
                .httpClient(http)
                .maxRetry(0);
        if (s.authorityHost() != null) {
          // A custom authority (sovereign cloud, private endpoint) is used as given: no discovery
          // request to the public cloud's well-known host.
          b.authorityHost(s.authorityHost()).disableInstanceDiscovery();
        }
        yield b.build();
      }
      case MANAGED_IDENTITY -> {
        ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder().httpClient(http).maxRetry(0);
        if (s.clientId() != null) {
          b.clientId(s.clientId());
        }
        yield b.build();
      }
      case WORKLOAD_IDENTITY -> {
        WorkloadIdentityCredentialBuilder b = new WorkloadIdentityCredentialBuilder().httpClient(http).maxRetry(0);
        if (s.tenantId() != null) {
          b.tenantId(s.tenantId());
        }
        if (s.clientId() != null) {
          b.clientId(s.clientId());
        }
        if (s.authorityHost() != null) {
          b.authorityHost(s.authorityHost()).disableInstanceDiscovery();
        }
        yield b.build();
      }
      case AZURE_CLI -> {
        AzureCliCredentialBuilder b = new AzureCliCredentialBuilder();
        if (s.tenantId() != null) {
          b.tenantId(s.tenantId());
        }
        yield b.build();
      }
      case DEFAULT -> {
        DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder().httpClient(http).maxRetry(0);
        if (s.tenantId() != null) {
          b.tenantId(s.tenantId());
        }
        if (s.clientId() != null) {
          b.managedIdentityClientId(s.clientId()).workloadIdentityClientId(s.clientId());
        }
        if (s.authorityHost() != null) {
          b.authorityHost(s.authorityHost());
        }
        yield b.build();
      }
    };
  }

  /** An SSL context that trusts exactly the certificates in a PEM file (a private CA or a self-signed endpoint). */
  static SSLContext trusting(String provider, Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      if (i == 0) {
        throw new IllegalStateException(
            "provider '" + provider + "': ca_cert " + pem + " holds no PEM certificate; give the CA's certificate file");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "provider '" + provider + "': cannot use ca_cert " + pem + " (" + e.getClass().getSimpleName()
              + "); give a readable PEM certificate file", e);
    }
  }
}
