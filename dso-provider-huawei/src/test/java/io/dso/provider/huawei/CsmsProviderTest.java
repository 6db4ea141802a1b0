package io.dso.provider.huawei;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.config.RetrySettings;
import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderException;
import io.dso.provider.ResilientProvider;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import io.dso.testing.FakeCsmsServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The huawei provider's real SDK client against {@link FakeCsmsServer} on 127.0.0.1. */
class CsmsProviderTest {
  private static final String PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  private static final String AK = "HPUAFAKEACCESSKEY0001";
  private static final String SK = "canary-sk-7f3e1d9b2c4a";
  private static final String CANARY = "canary-value-e51c0d";

  private final FakeCsmsServer csms = new FakeCsmsServer(PROJECT, AK, SK);
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stop() {
    csms.close();
    executor.shutdownNow();
  }

  private SecretProvider provider(Map<String, Object> extra, Map<String, String> env) {
    Map<String, Object> config = new HashMap<>(Map.of("project_id", PROJECT, "endpoint", csms.endpoint().toString()));
    config.putAll(extra);
    return new HuaweiProviderFactory().create(new ProviderContext("hw", config, Path.of("."), env, Clock.systemUTC()));
  }

  private SecretProvider provider() {
    return provider(Map.of("access_key", AK, "secret_key", SK), Map.of());
  }

  private static SecretRef ref(String name) {
    return new SecretRef("hw", name);
  }

  @Test
  void plainStringIsKeyValueAndTheRequestIsSignedWithTheAccessKey() {
    String id = csms.put("db-password", CANARY);
    SecretPayload p = provider().fetch(ref("db-password"));
    assertThat(p.values()).containsExactly(Map.entry("value", CANARY));
    assertThat(p.changeToken()).contains(id);
    FakeCsmsServer.Request r = csms.requests().getFirst();
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/v1/" + PROJECT + "/secrets/db-password/versions/latest");
    assertThat(r.accessKey()).isEqualTo(AK);
    assertThat(r.sdkDate()).matches("\\d{8}T\\d{6}Z");
    assertThat(r.signatureValid()).as("SDK-HMAC-SHA256 signature recomputed by the fake").isTrue();
  }

  @Test
  void jsonObjectIsSplitIntoKeys() {
    csms.put("app", "{\"username\":\"app\",\"password\":\"" + CANARY + "\",\"port\":5432}");
    assertThat(provider().fetch(ref("app")).values())
        .containsEntry("username", "app").containsEntry("password", CANARY).containsEntry("port", "5432").hasSize(3);
  }

  @Test
  void textThatOnlyLooksLikeJsonStaysOneValue() {
    csms.put("ldap", "{SSHA}abc");
    assertThat(provider().fetch(ref("ldap")).values()).containsExactly(Map.entry("value", "{SSHA}abc"));
  }

  @Test
  void unknownSecretIsNotFoundAndNotRetried() {
    SecretProvider p = resilient(provider(), 3);
    assertThatThrownBy(() -> p.fetch(ref("nope")))
        .isInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("CSMS.0106").hasMessageContaining(PROJECT);
    assertThat(csms.requests()).hasSize(1);
  }

  @Test
  void unknownVersionIsNotFound() {
    csms.put("db", CANARY);
    assertThatThrownBy(() -> provider().fetch(ref("db?version_id=v9")))
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("CSMS.0005").hasMessageContaining("version v9");
  }

  @Test
  void forbiddenNamesThePermissionAndIsNotRetried() {
    csms.put("locked", CANARY);
    csms.deny("locked");
    SecretProvider p = resilient(provider(), 3);
    assertThatThrownBy(() -> p.fetch(ref("locked")))
        .isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("csms:secret:getVersion").hasMessageContaining("locked");
    assertThat(csms.requests()).hasSize(1);
  }

  @Test
  void throttledThenOkIsRetriedByTheAgentOnly() {
    csms.put("db", CANARY);
    csms.failNext(429, "APIGW.0308", Duration.ZERO);
    csms.failNext(503, "CSMS.0001", Duration.ZERO);
    assertThat(resilient(provider(), 3).fetch(ref("db")).values()).containsEntry("value", CANARY);
    assertThat(csms.requests()).hasSize(3); // the SDK added no retries of its own
  }

  @Test
  void throttlingIsRetryableAndNamesTheCode() {
    csms.put("db", CANARY);
    csms.failNext(429, "APIGW.0308", Duration.ZERO);
    assertThatThrownBy(() -> provider().fetch(ref("db")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("429").hasMessageContaining("APIGW.0308");
  }

  @Test
  void wrongSecretKeyIsASignatureErrorThatNeverQuotesTheKey() {
    csms.put("db", CANARY);
    SecretProvider p = provider(Map.of("access_key", AK, "secret_key", "wrong-" + SK), Map.of());
    assertThatThrownBy(() -> p.fetch(ref("db")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("401").hasMessageContaining("HUAWEICLOUD_SDK_AK")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(SK).doesNotContain(CANARY));
  }

  @Test
  void slowAnswerHitsTheReadTimeoutAsARetryableError() {
    csms.put("db", CANARY);
    csms.failNext(0, null, Duration.ofSeconds(3));
    SecretProvider p = provider(Map.of("access_key", AK, "secret_key", SK, "read_timeout", "1s"), Map.of());
    assertThatThrownBy(() -> p.fetch(ref("db")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("cannot reach CSMS");
  }

  @Test
  void accessKeysComeFromTheEnvironmentWhenTheConfigHasNone() {
    csms.put("db", CANARY);
    SecretProvider p = provider(Map.of(), Map.of("HUAWEICLOUD_SDK_AK", AK, "HUAWEICLOUD_SDK_SK", SK));
    assertThat(p.fetch(ref("db")).values()).containsEntry("value", CANARY);
    assertThat(csms.requests().getFirst().accessKey()).isEqualTo(AK);
  }

  @Test
  void changeTokenIsTheStageVersionAndReadsNoValue() {
    csms.put("db", "one");
    SecretProvider p = provider();
    SecretPayload first = p.fetch(ref("db"));
    assertThat(p.changeToken(ref("db"))).isEqualTo(first.changeToken());
    String v2 = csms.put("db", "two");
    assertThat(p.changeToken(ref("db"))).contains(v2);
    assertThat(csms.requests()).extracting(FakeCsmsServer.Request::path).containsExactly(
        "/v1/" + PROJECT + "/secrets/db/versions/latest",
        "/v1/" + PROJECT + "/secrets/db/stages/SYSCURRENT",
        "/v1/" + PROJECT + "/secrets/db/stages/SYSCURRENT");
  }

  @Test
  void withoutGetStagePermissionTheChangeCheckFallsBackToFullReadsAfterOneTry() {
    csms.put("db", CANARY);
    csms.denyStage("db");
    SecretProvider p = provider();
    assertThat(p.changeToken(ref("db"))).isEmpty();
    assertThat(p.changeToken(ref("db"))).isEmpty();
    assertThat(p.fetch(ref("db")).values()).containsEntry("value", CANARY);
    assertThat(csms.requests()).extracting(FakeCsmsServer.Request::path).containsExactly(
        "/v1/" + PROJECT + "/secrets/db/stages/SYSCURRENT", "/v1/" + PROJECT + "/secrets/db/versions/latest");
  }

  @Test
  void aConfiguredStageThatIsDeniedIsAnAccessDeniedNamingGetStage() {
    csms.put("db", CANARY);
    csms.denyStage("db");
    SecretProvider p = provider(Map.of("access_key", AK, "secret_key", SK, "version_stage", "SYSCURRENT"), Map.of());
    assertThatThrownBy(() -> p.fetch(ref("db")))
        .isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("csms:secret:getStage");
  }

  @Test
  void versionStageReadsTheVersionTheStagePointsAt() {
    csms.put("db", "one");
    String v2 = csms.put("db", "two");
    SecretPayload p = provider(Map.of("access_key", AK, "secret_key", SK, "version_stage", "SYSCURRENT"), Map.of()).fetch(ref("db"));
    assertThat(p.values()).containsEntry("value", "two");
    assertThat(p.changeToken()).contains(v2);
    assertThat(csms.requests()).extracting(FakeCsmsServer.Request::path).containsExactly(
        "/v1/" + PROJECT + "/secrets/db/stages/SYSCURRENT", "/v1/" + PROJECT + "/secrets/db/versions/" + v2);
  }

  @Test
  void pinnedVersionNeedsNoRequestForItsChangeToken() {
    String v1 = csms.put("db", "one");
    csms.put("db", "two");
    SecretProvider p = provider();
    assertThat(p.fetch(ref("db?version_id=" + v1)).values()).containsEntry("value", "one");
    assertThat(p.changeToken(ref("db?version_id=" + v1))).contains(v1);
    assertThat(csms.requests()).hasSize(1);
  }

  @Test
  void missingCredentialsSayWhereTheyAreLookedFor() {
    assertThatThrownBy(() -> provider(Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HUAWEICLOUD_SDK_AK").hasMessageContaining("access_key");
  }

  @Test
  void validateRejectsHalfAKeyPairAndBothVersionSelectors() {
    List<String> problems = new HuaweiProviderFactory().validate(Map.of(
        "access_key", AK, "version_id", "v1", "version_stage", "SYSCURRENT", "colour", "blue"));
    assertThat(String.join("\n", problems))
        .contains("'access_key' and 'secret_key' go together").contains("not both").contains("unknown key 'colour'")
        .doesNotContain(AK);
  }

  @Test
  void settingsNeverPrintTheKeys() {
    HuaweiSettings s = HuaweiSettings.from(Map.of("region", "cn-north-4", "project_id", PROJECT,
        "access_key", AK, "secret_key", SK, "security_token", CANARY), Map.of());
    assertThat(s.toString()).doesNotContain(SK).doesNotContain(AK).doesNotContain(CANARY);
  }

  private SecretProvider resilient(SecretProvider p, int attempts) {
    return new ResilientProvider(p, "hw", new RetrySettings(attempts, Duration.ofMillis(1), Duration.ofMillis(2)),
        Duration.ofSeconds(20), executor, d -> {}, RandomGenerator.getDefault());
  }
}
