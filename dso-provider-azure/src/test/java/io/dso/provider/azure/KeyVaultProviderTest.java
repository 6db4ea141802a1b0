package io.dso.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.identity.ClientSecretCredential;
import io.dso.config.RetrySettings;
import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderException;
import io.dso.provider.ResilientProvider;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretRef;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Azure SDK client code against {@link FakeKeyVaultServer} over HTTPS on 127.0.0.1. */
class KeyVaultProviderTest {
  private static final String CANARY = "CANARY-kv-7f3a9c";
  private static final String CLIENT_SECRET = "CANARY-client-secret-51e0";

  @TempDir static Path certDir;

  private FakeKeyVaultServer fake;
  private final List<URI> destinations = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void certificate() throws Exception {
    FakeKeyVaultServer.generateCertificate(certDir);
  }

  @BeforeEach
  void start() throws Exception {
    // A fresh port per test: the SDK caches Key Vault challenges JVM-wide per host and port.
    fake = new FakeKeyVaultServer(certDir, CLIENT_SECRET);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("vault_url", fake.url());
    c.put("tenant_id", FakeKeyVaultServer.TENANT);
    c.put("client_id", FakeKeyVaultServer.CLIENT_ID);
    c.put("client_secret", CLIENT_SECRET);
    c.put("authority_host", fake.url());
    c.put("ca_cert", fake.certPem().toString());
    c.put("verify_challenge_resource", "false");
    return c;
  }

  private KeyVaultProvider provider(Map<String, Object> config) {
    ProviderContext ctx = new ProviderContext("kv", config, certDir, Map.of(), Clock.systemUTC());
    assertThat(new KeyVaultProviderFactory().validate(config)).isEmpty();
    KeyVaultSettings settings = KeyVaultSettings.from(ctx);
    // Records every destination the JDK client connects to: nothing may leave 127.0.0.1.
    ProxySelector recording = new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        destinations.add(uri);
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    };
    var base = java.net.http.HttpClient.newBuilder().proxy(recording);
    return new KeyVaultProvider("kv", settings, KeyVaultClients.secretClient("kv", settings, base), Clock.systemUTC());
  }

  private static SecretRef ref(String name) {
    return new SecretRef("kv", name);
  }

  @Test
  void firstReadAnswersTheChallengeWithATokenFromTheServicePrincipalAndSendsItAsBearer() {
    String version = fake.put("db-password", CANARY);
    SecretPayload p = provider(config()).fetch(ref("db-password"));

    assertThat(p.values()).isEqualTo(Map.of("value", CANARY));
    assertThat(p.changeToken()).contains(version);
    List<FakeKeyVaultServer.Received> reads = fake.secretReads();
    assertThat(reads).as(fake.summary().toString()).hasSize(2);
    assertThat(reads.get(0).authorization()).as("first read carries no token: the vault's challenge names the tenant").isNull();
    assertThat(reads.get(0).query()).contains("api-version=");
    assertThat(reads.get(1).authorization()).isEqualTo("Bearer fake-token-1");
    List<FakeKeyVaultServer.Received> tokens = fake.tokenRequests();
    assertThat(tokens).hasSize(1);
    assertThat(tokens.get(0).path()).isEqualTo("/" + FakeKeyVaultServer.TENANT + "/oauth2/v2.0/token");
    assertThat(tokens.get(0).body())
        .contains("grant_type=client_credentials")
        .contains("client_id=" + FakeKeyVaultServer.CLIENT_ID)
        .contains("https%3A%2F%2Fvault.azure.net%2F.default");
  }

  @Test
  void theTokenIsReusedForLaterReads() {
    fake.put("a", "1");
    fake.put("b", "2");
    KeyVaultProvider kv = provider(config());
    kv.fetch(ref("a"));
    kv.fetch(ref("b"));
    kv.fetch(ref("a"));
    assertThat(fake.tokenRequests()).hasSize(1);
    assertThat(fake.secretReads()).hasSize(4);
  }

  @Test
  void noRequestLeavesLoopbackAndTheCredentialIsTheExplicitServicePrincipal() {
    fake.put("s", CANARY);
    KeyVaultProvider kv = provider(config());
    kv.fetch(ref("s"));
    assertThat(destinations).as("the recording proxy selector saw the client's connections").isNotEmpty();
    assertThat(destinations).allSatisfy(u -> assertThat(u.getHost()).isEqualTo("127.0.0.1"));
    KeyVaultSettings s = KeyVaultSettings.from(new ProviderContext("kv", config(), certDir, Map.of(), Clock.systemUTC()));
    assertThat(s.auth()).isEqualTo(KeyVaultSettings.Auth.SERVICE_PRINCIPAL);
    assertThat(KeyVaultClients.credential("kv", s, KeyVaultClients.httpClient("kv", s, null)))
        .isInstanceOf(ClientSecretCredential.class);
  }

  @Test
  void jsonFormatSplitsAnObjectStringIntoKeys() {
    fake.put("app", "{\"DB_USER\":\"app\",\"DB_PASSWORD\":\"" + CANARY + "\",\"PORT\":5432}");
    Map<String, Object> c = config();
    c.put("format", "json");
    SecretPayload p = provider(c).fetch(ref("app"));
    assertThat(p.values()).isEqualTo(Map.of("DB_USER", "app", "DB_PASSWORD", CANARY, "PORT", "5432"));
  }

  @Test
  void jsonFormatRejectsANonObjectWithoutQuotingIt() {
    fake.put("app", "[\"" + CANARY + "\"]");
    Map<String, Object> c = config();
    c.put("format", "json");
    assertThatThrownBy(() -> provider(c).fetch(ref("app")))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("JSON object")
        .message().doesNotContain(CANARY);
  }

  @Test
  void aPinnedVersionIsReadByPathAndIsItsOwnChangeTokenWithoutARequest() {
    String v1 = fake.put("rotating", "old-" + CANARY);
    String v2 = fake.put("rotating", "new-" + CANARY);
    KeyVaultProvider kv = provider(config());
    assertThat(kv.fetch(ref("rotating")).values()).containsEntry("value", "new-" + CANARY);
    assertThat(kv.fetch(ref("rotating/" + v1)).values()).containsEntry("value", "old-" + CANARY);
    assertThat(kv.fetch(ref("rotating?version=" + v1)).changeToken()).contains(v1);
    assertThat(fake.secretReads()).anySatisfy(r -> assertThat(r.path()).isEqualTo("/secrets/rotating/" + v1));

    int before = fake.received().size();
    assertThat(kv.changeToken(ref("rotating?version=" + v2))).contains(v2);
    assertThat(kv.changeToken(ref("rotating"))).isEmpty();
    assertThat(fake.received()).hasSize(before);
  }

  @Test
  void aMissingSecretIsNotFoundAndReadOnce() {
    KeyVaultProvider kv = provider(config());
    assertThatThrownBy(() -> kv.fetch(ref("nope")))
        .isInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("SecretNotFound")
        .hasMessageContaining(fake.url());
    // One challenge round trip, then exactly one authenticated read: no SDK retries underneath.
    assertThat(fake.secretReads()).hasSize(2);
  }

  @Test
  void aMissingVersionIsNotFound() {
    fake.put("s", "x");
    assertThatThrownBy(() -> provider(config()).fetch(ref("s/0123456789abcdef0123456789abcdef")))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void forbiddenIsAccessDeniedNamingThePermissionAndTheRbacRole() {
    fake.put("locked", CANARY);
    fake.forbid("locked");
    assertThatThrownBy(() -> provider(config()).fetch(ref("locked")))
        .isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("'get' permission on secrets")
        .hasMessageContaining("Key Vault Secrets User")
        .satisfies(e -> assertThat(((ProviderException) e).retryable()).isFalse())
        .message().doesNotContain(CANARY).doesNotContain(CLIENT_SECRET);
  }

  @Test
  void throttlingIsRetryableAndTheNextRequestWaitsForRetryAfter() {
    fake.put("busy", CANARY);
    fake.throttle("busy", 1, 1);
    KeyVaultProvider kv = provider(config());
    assertThatThrownBy(() -> kv.fetch(ref("busy")))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("429")
        .hasMessageContaining("Throttled")
        .satisfies(e -> assertThat(((ProviderException) e).retryable()).isTrue());
    assertThat(kv.fetch(ref("busy")).values()).containsEntry("value", CANARY);

    List<FakeKeyVaultServer.Received> reads = fake.secretReads();
    long gap = reads.get(reads.size() - 1).atNanos() - reads.get(reads.size() - 2).atNanos();
    // A lower bound only: the vault said 1 s, the agent's own backoff was not involved.
    assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void theAgentsRetryWrapperGetsTheValueAfterThrottlingEvenWithoutBackoff() {
    fake.put("busy", CANARY);
    fake.throttle("busy", 2, 1);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try {
      ResilientProvider resilient = new ResilientProvider(provider(config()), "kv",
          new RetrySettings(4, Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ofSeconds(20), executor,
          d -> {}, RandomGenerator.getDefault());
      assertThat(resilient.fetch(ref("busy")).values()).containsEntry("value", CANARY);
    } finally {
      executor.shutdownNow();
    }
    // Challenge, two 429s, one 200: no SDK retry multiplied the attempts.
    assertThat(fake.secretReads()).hasSize(4);
  }

  @Test
  void unavailableIsRetryable() {
    fake.put("s", CANARY);
    fake.fail5xx("s", 1);
    KeyVaultProvider kv = provider(config());
    assertThatThrownBy(() -> kv.fetch(ref("s")))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("503")
        .satisfies(e -> assertThat(((ProviderException) e).retryable()).isTrue());
    assertThat(kv.fetch(ref("s")).values()).containsEntry("value", CANARY);
  }

  @Test
  void aWrongClientSecretFailsWithoutRetryAndWithoutQuotingIt() {
    fake.put("s", CANARY);
    Map<String, Object> c = config();
    c.put("client_secret", "CANARY-wrong-secret-9d2");
    assertThatThrownBy(() -> provider(c).fetch(ref("s")))
        .isInstanceOf(ProviderException.class)
        .satisfies(e -> assertThat(((ProviderException) e).retryable()).isFalse())
        .hasMessageContaining("tenant_id, client_id")
        .message().doesNotContain("CANARY");
  }

  @Test
  void anUnreachableVaultIsRetryable() throws Exception {
    Map<String, Object> c = config();
    int deadPort;
    try (var socket = new java.net.ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      deadPort = socket.getLocalPort();
    }
    c.put("vault_url", "https://127.0.0.1:" + deadPort);
    assertThatThrownBy(() -> provider(c).fetch(ref("s")))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("could not reach")
        .satisfies(e -> assertThat(((ProviderException) e).retryable()).isTrue());
  }

  @Test
  void aVaultSlowerThanTheReadTimeoutFailsAsRetryable() {
    fake.put("slow", CANARY);
    // Only the authenticated read is delayed; the margin is wide for a loaded machine.
    fake.delay("slow", 12_000);
    Map<String, Object> c = config();
    c.put("read_timeout", "3s");
    KeyVaultProvider kv = provider(c);
    assertThatThrownBy(() -> kv.fetch(ref("slow")))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("could not reach")
        .satisfies(e -> assertThat(((ProviderException) e).retryable()).isTrue())
        .message().doesNotContain(CANARY);
    assertThat(fake.secretReads()).as("the timed-out read was the authenticated one")
        .anySatisfy(r -> assertThat(r.authorization()).startsWith("Bearer "));
  }

  @Test
  void anInvalidSecretNameIsRejectedBeforeAnyRequest() {
    assertThatThrownBy(() -> provider(config()).fetch(ref("bad_name!")))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("not an Azure Key Vault secret name");
    assertThat(fake.received()).isEmpty();
  }
}
