package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code rate_limit: { per_second, in_flight }} on a provider. */
class RateLimitConfigTest {
  private static DsoConfig parse(String yaml) {
    return new ConfigLoader(Map.of("RATE", "25"), new StubProviderTypes()).parse(yaml, Path.of("dso.yaml"));
  }

  @Test
  void aProviderWithoutRateLimitKeepsItsTypesDefaults() {
    ProviderSpec p = parse("providers:\n  v: { type: vault }\n").providers().get("v");

    assertThat(p.rateLimit()).isEqualTo(RateLimitSettings.DEFAULT);
  }

  @Test
  void eitherLimitMayBeSetAloneAndPerSecondMayBeUnlimited() {
    DsoConfig config = parse("""
        providers:
          v: { type: vault, rate_limit: { per_second: "${RATE}" } }
          w: { type: vault, rate_limit: { in_flight: 2 } }
          l: { type: local, config: { path: s.json }, rate_limit: { per_second: unlimited, in_flight: 16 } }
        """);

    assertThat(config.providers().get("v").rateLimit()).isEqualTo(new RateLimitSettings(25, null));
    assertThat(config.providers().get("w").rateLimit()).isEqualTo(new RateLimitSettings(null, 2));
    assertThat(config.providers().get("l").rateLimit())
        .isEqualTo(new RateLimitSettings(RateLimitSettings.UNLIMITED, 16));
  }

  @Test
  void outOfRangeValuesAndUnknownKeysAreReportedWithLineAndFix() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
        providers:
          v:
            type: vault
            rate_limit: { per_second: 0, in_flight: lots, burst: 5 }
        """));

    assertThat(e.getMessage())
        .contains("providers.v.rate_limit.per_second", "from 1 to 100000")
        .contains("providers.v.rate_limit.in_flight", "from 1 to 1024")
        .contains("burst");
  }
}
