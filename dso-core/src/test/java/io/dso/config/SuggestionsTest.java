package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  @Test
  void suggestsTheClosestWithinTwoEditsIncludingTranspositions() {
    List<String> keys = List.of("mode", "polling_interval");
    assertThat(Suggestions.closest("polling_intervall", keys)).contains("polling_interval");
    assertThat(Suggestions.closest("mdoe", keys)).contains("mode");
    assertThat(Suggestions.closest("schedule", keys)).isEmpty();
    assertThat(Suggestions.distance("ab", "ba")).isEqualTo(1);
  }
}
