package io.dso.provider.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import io.dso.testing.FakeVaultServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https to a fake Vault with a private CA ({@code ca_cert}) and with mutual TLS ({@code client_cert}, {@code client_key}). */
class VaultTlsTest {
  private static final char[] PASS = "changeit".toCharArray();
  private final MutableClock clock = new MutableClock();
  // Keys are made once for the class: each keytool run is a JVM start.
  @TempDir static Path dir;

  @BeforeAll
  static void keys() throws Exception {
    keytool("-genkeypair", "-alias", "vault", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", "server.p12", "-storetype", "PKCS12", "-storepass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "vault", "-keystore", "server.p12", "-storepass", "changeit", "-file", "ca.pem");
    keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=dso-agent",
        "-validity", "2", "-keystore", "client.p12", "-storetype", "PKCS12", "-storepass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", "client.p12", "-storepass", "changeit", "-file", "client.pem");
    Key key = load("client.p12").getKey("client", PASS);
    Files.writeString(dir.resolve("client-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
  }

  @Test
  void httpsIsTrustedThroughTheConfiguredCaFileOnly() throws Exception {
    try (FakeVaultServer vault = new FakeVaultServer(clock, serverTls(false), false)) {
      vault.addToken("hvs.CANARY-tls", 0, false);
      vault.putV2("secret", "app", Map.of("K", "over-tls"));
      try (SecretProvider p = provider(vault, Map.of("ca_cert", "ca.pem"))) {
        assertThat(p.fetch(new SecretRef("v", "app")).values()).containsEntry("K", "over-tls");
      }
      try (SecretProvider p = provider(vault, Map.of())) {
        assertThatThrownBy(() -> p.fetch(new SecretRef("v", "app")))
            .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
            .hasMessageContaining("ca_cert").hasMessageNotContaining("CANARY");
      }
      assertThat(vault.requests("GET", "secret/data/app")).hasSize(1);
    }
  }

  @Test
  void mutualTlsPresentsTheClientCertificate() throws Exception {
    try (FakeVaultServer vault = new FakeVaultServer(clock, serverTls(true), true)) {
      vault.addToken("hvs.CANARY-mtls", 0, false);
      vault.putV2("secret", "app", Map.of("K", "mtls"));
      try (SecretProvider p = provider(vault, Map.of("ca_cert", "ca.pem", "client_cert", "client.pem", "client_key", "client-key.pem"))) {
        assertThat(p.fetch(new SecretRef("v", "app")).values()).containsEntry("K", "mtls");
      }
      try (SecretProvider p = provider(vault, Map.of("ca_cert", "ca.pem"))) {
        assertThatThrownBy(() -> p.fetch(new SecretRef("v", "app"))).isInstanceOf(ProviderException.class);
      }
      assertThat(vault.requests("GET", "secret/data/app")).as("only the client with a certificate got through").hasSize(1);
    }
  }

  @Test
  void aKeyThatIsNotPkcs8IsRefusedWithTheConversionCommand() throws Exception {
    Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> VaultTls.context(null, dir.resolve("client.pem"), dir.resolve("rsa.pem")))
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  private SecretProvider provider(FakeVaultServer vault, Map<String, Object> tls) {
    Map<String, Object> config = new HashMap<>(Map.of("address", vault.address(), "token", "hvs.CANARY-" + (tls.containsKey("client_cert") ? "mtls" : "tls"),
        "kv_version", "2"));
    config.putAll(tls);
    return new VaultProviderFactory().create(new ProviderContext("v", config, dir, Map.of(), clock));
  }

  private SSLContext serverTls(boolean trustClient) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load("server.p12"), PASS);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    if (trustClient) {
      trust.setCertificateEntry("client", load("client.p12").getCertificate("client"));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static KeyStore load(String file) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(file))) {
      ks.load(in, PASS);
    }
    return ks;
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
