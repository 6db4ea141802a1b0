package io.dso.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.config.RetrySettings;
import io.dso.provider.FetchResult;
import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderException;
import io.dso.provider.ResilientProvider;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import io.dso.testing.FakeSecretsManagerServer;
import io.dso.testing.FakeSecretsManagerServer.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real AWS SDK client code of the {@code aws} provider against {@link FakeSecretsManagerServer}
 * on 127.0.0.1: values, versions, batches, change tokens, errors, retries and assumed roles.
 */
class AwsSecretsManagerProviderTest {
  static final String REGION = "eu-west-1";
  static final String KEY_ID = "AKIAFAKEDSOTEST00001";
  static final String SECRET_KEY = "fake-secret-key-" + UUID.randomUUID();

  private FakeSecretsManagerServer fake;
  private final List<SecretProvider> open = new ArrayList<>();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @BeforeEach
  void start() {
    fake = new FakeSecretsManagerServer(REGION, KEY_ID, SECRET_KEY);
  }

  @AfterEach
  void stop() {
    open.forEach(SecretProvider::close);
    fake.close();
    executor.close();
  }

  private SecretProvider provider(Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(Map.of(
        "region", REGION, "endpoint", fake.endpoint().toString(),
        "access_key_id", KEY_ID, "secret_access_key", SECRET_KEY));
    config.putAll(extra);
    return create(config, Map.of());
  }

  private SecretProvider create(Map<String, Object> config, Map<String, String> env) {
    AwsProviderFactory factory = new AwsProviderFactory();
    assertThat(factory.validate(config)).isEmpty();
    SecretProvider p = factory.create(new ProviderContext("aws-test", config, Path.of("."), env, Clock.systemUTC()));
    open.add(p);
    return p;
  }

  private static SecretRef ref(String name) {
    return new SecretRef("aws-test", name);
  }

  @Test
  void jsonSecretStringBecomesKeysReadWithASignedGetSecretValue() {
    String password = "CANARY-" + UUID.randomUUID();
    String version = fake.putString("myapp/db", "{\"username\":\"app\",\"password\":\"" + password + "\",\"port\":5432}");

    SecretPayload p = provider(Map.of()).fetch(ref("myapp/db"));

    assertThat(p.values()).containsExactlyInAnyOrderEntriesOf(Map.of("username", "app", "password", password, "port", "5432"));
    assertThat(p.changeToken()).contains(version);
    Request r = fake.requests().getLast();
    assertThat(r.action()).isEqualTo("GetSecretValue");
    assertThat(r.body().path("SecretId").asText()).isEqualTo("myapp/db");
    assertThat(r.body().path("VersionStage").asText()).isEqualTo("AWSCURRENT");
    assertThat(r.accessKeyId()).isEqualTo(KEY_ID);
    assertThat(r.region()).isEqualTo(REGION);
    assertThat(r.service()).isEqualTo("secretsmanager");
  }

  @Test
  void plainStringIsKeyValueAndAStringThatOnlyLooksLikeJsonStaysPlain() {
    fake.putString("plain", "s3cr3t-plain");
    fake.putString("ldap", "{SSHA}abc");
    fake.putString("array", "[1,2]");
    SecretProvider p = provider(Map.of());

    assertThat(p.fetch(ref("plain")).values()).isEqualTo(Map.of("value", "s3cr3t-plain"));
    assertThat(p.fetch(ref("ldap")).values()).isEqualTo(Map.of("value", "{SSHA}abc"));
    assertThat(p.fetch(ref("array")).values()).isEqualTo(Map.of("value", "[1,2]"));
  }

  @Test
  void fullAndPartialArnReadTheSameSecret() {
    fake.putString("team/api", "{\"TOKEN\":\"t1\"}");
    SecretProvider p = provider(Map.of());
    String arn = fake.arn("team/api");

    assertThat(p.fetch(ref(arn)).values()).containsEntry("TOKEN", "t1");
    assertThat(fake.requests().getLast().body().path("SecretId").asText()).isEqualTo(arn);
    assertThat(p.fetch(ref(arn.substring(0, arn.length() - 7))).values()).containsEntry("TOKEN", "t1");
  }

  @Test
  void versionStageAndVersionIdSelectOlderVersions() {
    String v1 = fake.putString("rotating", "{\"K\":\"one\"}");
    String v2 = fake.putString("rotating", "{\"K\":\"two\"}");
    fake.putString("rotating", "{\"K\":\"three\"}");

    assertThat(provider(Map.of()).fetch(ref("rotating")).values()).containsEntry("K", "three");
    SecretPayload previous = provider(Map.of("version_stage", "AWSPREVIOUS")).fetch(ref("rotating"));
    assertThat(previous.values()).containsEntry("K", "two");
    assertThat(previous.changeToken()).contains(v2);
    assertThat(fake.requests().getLast().body().path("VersionStage").asText()).isEqualTo("AWSPREVIOUS");
    assertThat(provider(Map.of("version_id", v1)).fetch(ref("rotating")).values()).containsEntry("K", "one");
    assertThat(fake.requests().getLast().body().path("VersionId").asText()).isEqualTo(v1);
    assertThat(fake.requests().getLast().body().has("VersionStage")).isFalse();
    // per secret, in the secret's name
    SecretProvider p = provider(Map.of());
    assertThat(p.fetch(ref("rotating?version_id=" + v1)).values()).containsEntry("K", "one");
    assertThat(p.fetch(ref("rotating?version_stage=AWSPREVIOUS")).values()).containsEntry("K", "two");
    assertThatThrownBy(() -> p.fetch(ref("rotating?version_stage=NOPE"))).isInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("staging label");
    assertThatThrownBy(() -> p.fetch(ref("rotating?v=1"))).isInstanceOf(ProviderException.class)
        .hasMessageContaining("version_stage=LABEL");
  }

  @Test
  void secretBinaryIsBase64UnderValue() {
    byte[] bytes = {0, 1, 2, (byte) 0xff, 'k', 'e', 'y'};
    fake.putBinary("cert", bytes);

    SecretPayload p = provider(Map.of()).fetch(ref("cert"));

    assertThat(p.values()).isEqualTo(Map.of("value", Base64.getEncoder().encodeToString(bytes)));
  }

  @Test
  void throttlingIsRetriedWithBackoffByTheAgentAndTheSdkDoesNotRetryOnItsOwn() {
    fake.putString("busy", "v");
    fake.throttleNext(2);
    List<Duration> sleeps = new ArrayList<>();
    SecretProvider p = new ResilientProvider(provider(Map.of()), "aws-test",
        new RetrySettings(3, Duration.ofMillis(200), Duration.ofSeconds(2)), Duration.ofSeconds(10), executor, sleeps::add, new Random(7));

    assertThat(p.fetch(ref("busy")).values()).containsEntry("value", "v");

    assertThat(fake.count("GetSecretValue")).as("one request per agent attempt").isEqualTo(3);
    assertThat(sleeps).hasSize(2);
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void throttlingAndServerErrorsAreRetryableWithTheErrorCode() {
    fake.putString("s", "v");
    SecretProvider p = provider(Map.of());
    fake.throttleNext(1);
    assertThatThrownBy(() -> p.fetch(ref("s"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("ThrottlingException").contains("HTTP 400");
    });
    fake.failNext("GetSecretValue", 1, 500, "InternalServiceError");
    assertThatThrownBy(() -> p.fetch(ref("s"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("InternalServiceError").contains("HTTP 500");
    });
    assertThat(fake.count("GetSecretValue")).isEqualTo(2);
  }

  @Test
  void notFoundIsItsOwnOutcomeAndNotRetried() {
    List<Duration> sleeps = new ArrayList<>();
    SecretProvider p = new ResilientProvider(provider(Map.of()), "aws-test",
        new RetrySettings(3, Duration.ofMillis(200), Duration.ofSeconds(2)), Duration.ofSeconds(10), executor, sleeps::add, new Random(7));

    assertThatThrownBy(() -> p.fetch(ref("missing/secret"))).isInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("missing/secret").hasMessageContaining("ResourceNotFoundException").hasMessageContaining(REGION);
    assertThat(fake.count("GetSecretValue")).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void accessDeniedNamesTheIamActionAndKmsDecrypt() {
    fake.putString("locked", "v");
    fake.deny("GetSecretValue", "locked");

    assertThatThrownBy(() -> provider(Map.of()).fetch(ref("locked"))).isInstanceOfSatisfying(SecretAccessDeniedException.class, e -> {
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("secretsmanager:GetSecretValue").contains("kms:Decrypt");
    });
  }

  @Test
  void wrongSecretKeyIsRejectedByTheSignatureCheckAndTheKeyNeverAppears() {
    fake.putString("s", "v");
    String wrong = "wrong-key-" + UUID.randomUUID();
    SecretProvider p = provider(Map.of("secret_access_key", wrong));

    assertThatThrownBy(() -> p.fetch(ref("s"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("InvalidSignatureException").doesNotContain(wrong).doesNotContain(SECRET_KEY);
    });
  }

  @Test
  void batchOfFiftySecretsTakesThreeCallsAndReportsPerSecretErrors() {
    List<SecretRef> refs = new ArrayList<>();
    Map<String, String> versions = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      String name = "batch/s" + i;
      if (i != 7) { // s7 does not exist
        versions.put(name, fake.putString(name, "{\"N\":\"" + i + "\"}"));
      }
      refs.add(ref(i == 3 ? fake.arn(name) : name));
    }
    fake.deny("GetSecretValue", "batch/s42");

    List<FetchResult> results = provider(Map.of()).fetchAll(refs);

    assertThat(fake.count("BatchGetSecretValue")).isEqualTo(3);
    assertThat(fake.count("GetSecretValue")).as("no single reads").isZero();
    assertThat(fake.requests().stream().map(r -> r.body().path("SecretIdList").size()).toList()).containsExactly(20, 20, 10);
    assertThat(results).hasSize(50);
    for (int i = 0; i < 50; i++) {
      FetchResult r = results.get(i);
      assertThat(r.ref()).isEqualTo(refs.get(i));
      if (i == 7) {
        assertThat(r.error()).isInstanceOf(SecretNotFoundException.class);
      } else if (i == 42) {
        assertThat(r.error()).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("secretsmanager:GetSecretValue");
      } else {
        assertThat(r.payload().values()).as("secret " + i).isEqualTo(Map.of("N", String.valueOf(i)));
        assertThat(r.payload().changeToken()).contains(versions.get("batch/s" + i));
      }
    }
  }

  @Test
  void deniedBatchCallFallsBackToSingleReadsOnce() {
    IntStream.range(0, 3).forEach(i -> fake.putString("fb/" + i, "v" + i));
    fake.deny("BatchGetSecretValue", null);
    SecretProvider p = provider(Map.of());
    List<SecretRef> refs = IntStream.range(0, 3).mapToObj(i -> ref("fb/" + i)).toList();

    assertThat(p.fetchAll(refs)).allSatisfy(r -> assertThat(r.payload()).isNotNull());
    assertThat(p.fetchAll(refs)).extracting(r -> r.payload().values().get("value")).containsExactly("v0", "v1", "v2");

    assertThat(fake.count("BatchGetSecretValue")).as("the denied batch is not tried again").isEqualTo(1);
    assertThat(fake.count("GetSecretValue")).isEqualTo(6);
  }

  @Test
  void batchSkipsSecretsPinnedToAVersionAndAThrottledBatchFailsEachRetryably() {
    String v1 = fake.putString("pin", "old");
    fake.putString("pin", "new");
    fake.putString("cur", "c");
    SecretProvider p = provider(Map.of());

    List<FetchResult> r = p.fetchAll(List.of(ref("cur"), ref("pin?version_id=" + v1)));
    assertThat(r.get(0).payload().values()).containsEntry("value", "c");
    assertThat(r.get(1).payload().values()).containsEntry("value", "old");
    assertThat(fake.count("BatchGetSecretValue")).isEqualTo(1);
    assertThat(fake.count("GetSecretValue")).isEqualTo(1);

    fake.throttleNext(1);
    List<FetchResult> throttled = p.fetchAll(List.of(ref("cur"), ref("pin")));
    assertThat(throttled).allSatisfy(x -> {
      assertThat(x.error()).isNotNull();
      assertThat(x.error().retryable()).isTrue();
    });
  }

  @Test
  void changeTokenIsTheStagedVersionFromDescribeSecretWithoutReadingTheValue() {
    String v1 = fake.putString("watched", "one");
    SecretProvider p = provider(Map.of());
    SecretPayload held = p.fetch(ref("watched"));
    fake.clearRequests();

    assertThat(p.changeToken(ref("watched"))).contains(v1).isEqualTo(held.changeToken());
    String v2 = fake.putString("watched", "two");
    assertThat(p.changeToken(ref("watched"))).contains(v2);
    assertThat(fake.count("DescribeSecret")).isEqualTo(2);
    assertThat(fake.count("GetSecretValue")).as("the cheap check reads no value").isZero();
    assertThat(provider(Map.of("version_stage", "AWSPREVIOUS")).changeToken(ref("watched"))).contains(v1);

    fake.clearRequests();
    assertThat(p.changeToken(ref("watched?version_id=" + v1))).as("a pinned version never changes").contains(v1);
    assertThat(fake.requests()).isEmpty();
    assertThatThrownBy(() -> p.changeToken(ref("nope"))).isInstanceOf(SecretNotFoundException.class);
    fake.deny("DescribeSecret", null);
    assertThatThrownBy(() -> p.changeToken(ref("watched"))).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("secretsmanager:DescribeSecret");
  }

  @Test
  void tagsAreInjectedAsTagKeysAndTakePartInTheChangeToken() {
    fake.putString("tagged", "{\"A\":\"1\"}");
    fake.tag("tagged", "team", "payments");
    fake.tag("tagged", "cost-center", "42");
    SecretProvider p = provider(Map.of("tags", true));

    SecretPayload payload = p.fetch(ref("tagged"));
    assertThat(payload.values()).containsEntry("A", "1").containsEntry("_TAG_TEAM", "payments").containsEntry("_TAG_COST_CENTER", "42");
    assertThat(p.changeToken(ref("tagged"))).isEqualTo(payload.changeToken());
    fake.tag("tagged", "team", "billing");
    assertThat(p.changeToken(ref("tagged"))).isNotEqualTo(payload.changeToken());
  }

  @Test
  void roleArnAssumesTheRoleThroughStsAndSignsWithTheTemporaryCredentials() {
    String role = "arn:aws:iam::" + FakeSecretsManagerServer.ACCOUNT + ":role/dso-reader";
    fake.allowRole(role, "ext-1");
    fake.putString("via-role", "v");
    SecretProvider p = provider(Map.of("role_arn", role, "external_id", "ext-1", "sts_endpoint", fake.endpoint().toString()));

    assertThat(p.fetch(ref("via-role")).values()).containsEntry("value", "v");
    assertThat(p.fetch(ref("via-role")).values()).containsEntry("value", "v");

    List<Request> reqs = fake.requests();
    assertThat(reqs.get(0).action()).isEqualTo("AssumeRole");
    assertThat(reqs.get(0).service()).isEqualTo("sts");
    assertThat(reqs.get(0).accessKeyId()).isEqualTo(KEY_ID);
    assertThat(reqs.get(0).body().path("RoleArn").asText()).isEqualTo(role);
    assertThat(reqs.get(0).body().path("RoleSessionName").asText()).isEqualTo("dso-agent");
    assertThat(fake.count("AssumeRole")).as("temporary credentials are cached").isEqualTo(1);
    assertThat(reqs.stream().filter(r -> r.action().equals("GetSecretValue"))).hasSize(2).allSatisfy(r -> {
      assertThat(r.accessKeyId()).startsWith("ASIA");
      assertThat(r.hadSecurityToken()).isTrue();
    });
  }

  @Test
  void aRoleTheAgentMayNotAssumeIsAccessDeniedNamingStsAssumeRole() {
    String role = "arn:aws:iam::" + FakeSecretsManagerServer.ACCOUNT + ":role/not-trusted";
    fake.putString("s", "v");
    SecretProvider p = provider(Map.of("role_arn", role, "sts_endpoint", fake.endpoint().toString()));

    assertThatThrownBy(() -> p.fetch(ref("s"))).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("sts:AssumeRole").hasMessageContaining(role);
    assertThat(fake.count("GetSecretValue")).isZero();
  }

  @Test
  void credentialsAndRegionComeFromTheAgentEnvironmentWhenTheConfigHasNone() {
    fake.putString("s", "from-env");
    SecretProvider p = create(Map.of("endpoint", fake.endpoint().toString()),
        Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", REGION));

    assertThat(p.fetch(ref("s")).values()).containsEntry("value", "from-env");
    assertThat(fake.requests().getLast().region()).isEqualTo(REGION);
  }

  @Test
  void aSlowAnswerBeyondTheReadTimeoutIsARetryableNetworkError() {
    fake.putString("slow", "v");
    fake.delayNext("GetSecretValue", Duration.ofSeconds(3));
    SecretProvider p = provider(Map.of("read_timeout", "500ms"));

    assertThatThrownBy(() -> p.fetch(ref("slow"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("cannot reach AWS Secrets Manager");
    });
  }

  @Test
  void noSecretValueOrKeyAppearsInAnyErrorMessage() {
    String canary = "CANARY-" + UUID.randomUUID();
    fake.putString("nested", "{\"a\":{\"deep\":\"" + canary + "\"}}");
    assertThatThrownBy(() -> provider(Map.of()).fetch(ref("nested"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.getMessage()).contains("'a'").doesNotContain(canary).doesNotContain(SECRET_KEY);
      assertThat(String.valueOf(e.getCause())).doesNotContain(canary);
    });
    assertThat(new String(fake.requests().toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).doesNotContain(SECRET_KEY);
  }

  @Test
  void kmsDecryptionFailureIsAccessDeniedNamingKmsDecrypt() {
    fake.putString("cmk", "v");
    fake.failNext("GetSecretValue", 1, 400, "DecryptionFailure");

    assertThatThrownBy(() -> provider(Map.of()).fetch(ref("cmk"))).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("kms:Decrypt").hasMessageContaining("DecryptionFailure");
  }

  @Test
  void anUnknownAccessKeyIsRejectedAndNotRetried() {
    fake.putString("s", "v");
    SecretProvider p = provider(Map.of("access_key_id", "AKIAUNKNOWNKEY000001"));

    assertThatThrownBy(() -> p.fetch(ref("s"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("UnrecognizedClientException").contains("check the access key");
    });
  }

  @Test
  void duplicateSecretsInOneBatchAreReadOnceAndAnsweredForEachReference() {
    fake.putString("dup", "d");
    List<FetchResult> r = provider(Map.of()).fetchAll(List.of(ref("dup"), ref("dup")));

    assertThat(r).extracting(x -> x.payload().values().get("value")).containsExactly("d", "d");
    assertThat(fake.requests().getLast().body().path("SecretIdList").size()).isEqualTo(1);
  }

  @Test
  void withNoCredentialsAnywhereTheErrorSaysWhereTheyAreLookedForAndIsNotRetried() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null
        && !java.nio.file.Files.exists(Path.of(System.getProperty("user.home"), ".aws"))
        && System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") == null, "this machine has AWS credentials of its own");
    // the build sets AWS_EC2_METADATA_DISABLED: the chain ends without asking instance metadata
    fake.putString("s", "v");
    SecretProvider p = create(Map.of("region", REGION, "endpoint", fake.endpoint().toString()), Map.of());

    assertThatThrownBy(() -> p.fetch(ref("s"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("no AWS credentials found").contains("AWS_ACCESS_KEY_ID");
    });
    assertThat(fake.requests()).isEmpty();

    SecretProvider withProfile = create(Map.of("region", REGION, "endpoint", fake.endpoint().toString(), "profile", "no-such-profile"), Map.of());
    assertThatThrownBy(() -> withProfile.fetch(ref("s"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("no AWS credentials found").contains("profile");
    });
  }
}
