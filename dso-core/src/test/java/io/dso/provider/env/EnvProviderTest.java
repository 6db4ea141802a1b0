package io.dso.provider.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dso.provider.ProviderContext;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvProviderTest {
  private static final EnvProviderFactory FACTORY = new EnvProviderFactory();

  private static SecretProvider provider(Map<String, Object> config, Map<String, String> env) {
    return FACTORY.create(new ProviderContext("env", config, Path.of("."), env, Clock.systemUTC()));
  }

  private static SecretRef ref(String name) {
    return new SecretRef("env", name);
  }

  @Test
  void prefixedVariablesBecomeKeys() {
    SecretProvider p =
        provider(
            Map.of(),
            Map.of(
                "DSO_SECRET_MYAPP_DB_PASSWORD", "pw",
                "DSO_SECRET_MYAPP_DB_USER", "app",
                "DSO_SECRET_OTHER_X", "no",
                "PATH", "/usr/bin"));

    assertThat(p.fetch(ref("myapp/db")).values())
        .containsExactly(Map.entry("PASSWORD", "pw"), Map.entry("USER", "app"));
  }

  @Test
  void exactStemBecomesKeyValue() {
    SecretProvider p = provider(Map.of(), Map.of("DSO_SECRET_MYAPP_DB", "whole"));

    assertThat(p.fetch(ref("myapp/db")).values()).containsExactly(Map.entry("value", "whole"));
  }

  @Test
  void stemAndKeysCombine() {
    SecretProvider p = provider(Map.of(), Map.of("DSO_SECRET_TOKEN", "t", "DSO_SECRET_TOKEN_ID", "i"));

    assertThat(p.fetch(ref("token")).values()).containsOnly(Map.entry("value", "t"), Map.entry("ID", "i"));
  }

  @Test
  void nonAlphanumericCharactersMapToUnderscores() {
    SecretProvider p = provider(Map.of(), Map.of("DSO_SECRET_MY_APP_DB_CREDS_PASSWORD", "pw"));

    assertThat(p.fetch(ref("my-app/db.creds")).values()).containsExactly(Map.entry("PASSWORD", "pw"));
  }

  @Test
  void variableThatOnlySharesAPrefixDoesNotMatch() {
    SecretProvider p = provider(Map.of(), Map.of("DSO_SECRET_MYAPP_DBX", "x", "DSO_SECRET_MYAPP_DB_", "y"));

    assertThat(catchThrowableOfType(SecretNotFoundException.class, () -> p.fetch(ref("myapp/db")))).isNotNull();
  }

  @Test
  void noMatchingVariableIsNotFound() {
    SecretProvider p = provider(Map.of(), Map.of("HOME", "/root"));

    SecretNotFoundException e = catchThrowableOfType(SecretNotFoundException.class, () -> p.fetch(ref("myapp/db")));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("DSO_SECRET_MYAPP_DB", "'myapp/db'");
  }

  @Test
  void customPrefixIsUsed() {
    SecretProvider p =
        provider(Map.of("prefix", "APP_"), Map.of("APP_DB_PASSWORD", "pw", "DSO_SECRET_DB_PASSWORD", "other"));

    assertThat(p.fetch(ref("db")).values()).containsExactly(Map.entry("PASSWORD", "pw"));
  }

  @Test
  void validateAllowsOnlyPrefix() {
    assertThat(FACTORY.type()).isEqualTo("env");
    assertThat(FACTORY.validate(Map.of())).isEmpty();
    assertThat(FACTORY.validate(Map.of("prefix", "X_"))).isEmpty();
    assertThat(FACTORY.validate(Map.of("prefx", "X_"))).singleElement().asString().contains("unknown key 'prefx'");
  }
}
