package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dso.config.FileFormat;
import io.dso.config.SecretSpec;
import io.dso.provider.SecretPayload;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvCollisionsTest {
  private static final String CANARY = "CANARY-env-collision-31f0";

  private static Map<SecretSpec, SecretPayload> of(SecretSpec a, Map<String, String> va, SecretSpec b, Map<String, String> vb) {
    Map<SecretSpec, SecretPayload> m = new LinkedHashMap<>();
    m.put(a, new SecretPayload(va));
    m.put(b, new SecretPayload(vb));
    return m;
  }

  @Test
  void twoSecretsSettingOneVariableFailNamingBothAndNoValue() {
    SecretSpec a = InjectFixtures.env("app/db", Map.of());
    SecretSpec b = InjectFixtures.env("app/legacy", Map.of("PASS", "DB_PASSWORD"));
    InjectionException e = catchThrowableOfType(InjectionException.class,
        () -> EnvCollisions.check(of(a, Map.of("DB_PASSWORD", CANARY), b, Map.of("PASS", CANARY + "2"))));
    assertThat(e.getMessage()).isEqualTo("secrets 'app/db' and 'app/legacy' would both set env var DB_PASSWORD in this"
        + " container; rename one of them with 'mappings' or stop targeting the container with both");
    assertThat(e.getMessage()).doesNotContain(CANARY);
  }

  @Test
  void unmappedKeyWithAReservedNameFailsUnlessAMappingAllowsIt() {
    SecretSpec raw = InjectFixtures.env("app/raw", Map.of());
    InjectionException e = catchThrowableOfType(InjectionException.class,
        () -> EnvCollisions.check(Map.of(raw, new SecretPayload(Map.of("LD_PRELOAD", CANARY)))));
    assertThat(e.getMessage()).startsWith("secret 'app/raw' would set env var LD_PRELOAD, which is reserved (LD_* steers").doesNotContain(CANARY);

    SecretSpec allowed = new SecretSpec("app/opts", "local", raw.inject(), false, null, null, raw.targets(),
        Map.of("OPTS", "JAVA_TOOL_OPTIONS"), 1, Set.of("JAVA_TOOL_OPTIONS"));
    assertThatCode(() -> EnvCollisions.check(Map.of(allowed, new SecretPayload(Map.of("OPTS", "-Xmx1g"))))).doesNotThrowAnyException();
  }

  @Test
  void fileSecretsAndDistinctNamesDoNotCollide() {
    SecretSpec a = InjectFixtures.env("app/db", Map.of());
    SecretSpec f = InjectFixtures.file("app/tls", "/run/secrets/tls", FileFormat.FILES, Map.of());
    assertThatCode(() -> EnvCollisions.check(of(a, Map.of("DB_PASSWORD", "x"), f, Map.of("DB_PASSWORD", "y"))))
        .doesNotThrowAnyException();
    SecretSpec b = InjectFixtures.env("app/api", Map.of());
    assertThatCode(() -> EnvCollisions.check(of(a, Map.of("DB_PASSWORD", "x"), b, Map.of("API_KEY", "y"))))
        .doesNotThrowAnyException();
  }
}
