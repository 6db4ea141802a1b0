package io.dso.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {
  @Test
  void anEmptyConfigIsValidAndReadsTheCurrentVersion() {
    assertThat(AwsSettings.validate(Map.of())).isEmpty();
    AwsSettings s = AwsSettings.from(Map.of());
    assertThat(s.versionStage()).isEqualTo("AWSCURRENT");
    assertThat(s.versionId()).isNull();
  }

  @Test
  void problemsNameTheKeyAndSayWhatToWrite() {
    assertThat(AwsSettings.validate(Map.of("regoin", "x"))).singleElement().asString().contains("unknown key 'regoin'").contains("region");
    assertThat(AwsSettings.validate(Map.of("endpoint", "localhost:4566"))).singleElement().asString().contains("http(s) URL");
    assertThat(AwsSettings.validate(Map.of("access_key_id", "AKIA"))).singleElement().asString().contains("set both");
    assertThat(AwsSettings.validate(Map.of("role_arn", "dso-reader"))).singleElement().asString().contains("arn:aws:iam::");
    assertThat(AwsSettings.validate(Map.of("version_stage", "AWSPREVIOUS", "version_id", "x"))).singleElement().asString().contains("not both");
    assertThat(AwsSettings.validate(Map.of("read_timeout", "10"))).singleElement().asString().contains("10s");
    assertThat(AwsSettings.validate(Map.of("tags", "yes"))).singleElement().asString().contains("true or false");
  }

  @Test
  void toStringNeverShowsStaticKeys() {
    AwsSettings s = AwsSettings.from(Map.of("access_key_id", "AKIAEXAMPLE", "secret_access_key", "CANARY-sk", "session_token", "CANARY-tok"));
    assertThat(s.toString()).doesNotContain("CANARY").doesNotContain("AKIAEXAMPLE").contains("staticKeys=true");
  }
}
