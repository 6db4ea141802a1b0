package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"500ms,PT0.5S", "30s,PT30S", "5m,PT5M", "1h30m,PT1H30M", "1h,PT1H", "1.5h,PT1H30M", "0s,PT0S", "250us,PT0.00025S", "2h45m10s,PT2H45M10S"})
  void parsesGoStyleDurations(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"PT0.5S,500ms", "PT30S,30s", "PT5M,5m", "PT1H30M,1h30m", "PT1H,1h", "PT0S,0s", "PT1M30.5S,1m30.5s", "PT26H,26h"})
  void formatsTheShortestText(Duration d, String expected) {
    assertThat(Durations.format(d)).isEqualTo(expected);
    assertThat(Durations.parse(expected)).isEqualTo(d);
  }

  @Test
  void rejectsNegativeDurations() {
    assertThatThrownBy(() -> Durations.parse("-5s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("negative duration '-5s' is not allowed; write a positive one, e.g. 500ms, 30s, 5m, 1h30m");
  }

  @Test
  void rejectsBareNumbersSayingWhichUnitToAdd() {
    assertThatThrownBy(() -> Durations.parse("30"))
        .hasMessage("duration '30' has no unit; write 30s for seconds (or ms, m, h)");
  }

  @Test
  void rejectsUnknownUnits() {
    assertThatThrownBy(() -> Durations.parse("5d"))
        .hasMessage("unknown unit 'd' in duration '5d'; use ms, s, m or h (days: 24h), e.g. 500ms, 30s, 5m, 1h30m");
  }

  @Test
  void rejectsGarbageAndMissingTrailingUnit() {
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("'soon' is not a duration");
    assertThatThrownBy(() -> Durations.parse("1h30")).hasMessageContaining("ends without a unit");
    assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("empty duration");
    assertThatThrownBy(() -> Durations.parse("9999999999h")).hasMessageContaining("too large");
  }
}
