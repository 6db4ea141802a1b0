package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpanderTest {
  private final Expander expander = new Expander(Map.of("HOST", "db", "EMPTY", ""));

  @Test
  void expandsVariablesDefaultsAndEscapedDollars() {
    assertThat(expander.expand("${HOST}:5432").value()).isEqualTo("db:5432");
    assertThat(expander.expand("${PORT:-5432}").value()).isEqualTo("5432");
    assertThat(expander.expand("${EMPTY:-fallback}").value()).isEqualTo("fallback");
    assertThat(expander.expand("${EMPTY}").value()).isEmpty();
    assertThat(expander.expand("pa$$word").value()).isEqualTo("pa$word");
    assertThat(expander.expand("costs $5").value()).isEqualTo("costs $5");
    assertThat(expander.expand("plain").expanded()).isFalse();
  }

  @Test
  void namesAnUnsetVariableAndHowToFixIt() {
    assertThat(expander.expand("${VAULT_TOKEN}").problems())
        .isEqualTo(List.of("environment variable VAULT_TOKEN is not set; export it or write ${VAULT_TOKEN:-default}"));
  }

  @Test
  void rejectsMalformedReferences() {
    assertThat(expander.expand("${HOST").problems()).singleElement().asString().contains("unterminated");
    assertThat(expander.expand("${1X}").problems()).singleElement().asString().contains("does not name");
  }
}
