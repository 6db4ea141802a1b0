package io.dso.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretClassifierTest {
  @ParameterizedTest(name = "{0}={1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "DB_PASSWORD|x1|name ends with PASSWORD",
      "password|x1|name ends with PASSWORD",
      "MYSQL_ROOT_PASSWD|x1|name ends with PASSWD",
      "DB_PASS|x1|name ends with PASS",
      "GITHUB_TOKEN|x1|name ends with TOKEN",
      "APP_SECRET|x1|name ends with SECRET",
      "STRIPE_API_KEY|x1|name ends with KEY",
      "TLS_PRIVATE_KEY|x1|name ends with KEY",
      "GCP_CREDENTIALS|x1|name ends with CREDENTIALS",
      "DATABASE_URL|postgres://u:p4ss@db/app|URL with a password",
      "ANYTHING|Zq8Rk2Lm9XvB4nT7cYw1Pd6Hs3Fg|high entropy (4.8 bits/char)",
  })
  void secretLookingVariablesSayWhy(String name, String value, String why) {
    assertThat(SecretClassifier.why(name, value)).contains(why);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "HTTP_PORT|8080",
      "DB_HOST|db.internal",
      "DEBUG|true",
      "LOG_LEVEL|info",
      "RETRIES|5",
      "DB_PASSWORD|''",
      "REQUIRE_PASSWORD|no",
      "AWS_ACCESS_KEY_ID|AKIAEXAMPLEEXAMPLE12",
      "SSH_PUBLIC_KEY|ssh-ed25519",
      "DB_PASSWORD_FILE|/run/secrets/db",
      "BYPASS|x1",
      "REDIS_URL|redis://cache:6379/0",
      "MIRROR|https://anon@mirror/repo",
      "APP_NAME|my_application_name_production_2024",
      "ID|123e4567-e89b-12d3-a456-426614174000",
      "GREETING|Hello World this is a long sentence 2024",
  })
  void obviousNonSecretsAreNotProposed(String name, String value) {
    assertThat(SecretClassifier.why(name, value)).isEmpty();
  }
}
