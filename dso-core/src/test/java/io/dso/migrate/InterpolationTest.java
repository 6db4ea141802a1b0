package io.dso.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InterpolationTest {
  @Test
  void everyFormIsFoundWithItsOperatorAndExactText() {
    assertThat(Interpolation.uses("${A} ${B:-d} ${C-d} ${D:?e} ${E?e} ${F:+x} ${G+x} $H $$I $${J}"))
        .containsExactly(
            new Interpolation.Use("A", "", "${A}"),
            new Interpolation.Use("B", ":-", "${B:-d}"),
            new Interpolation.Use("C", "-", "${C-d}"),
            new Interpolation.Use("D", ":?", "${D:?e}"),
            new Interpolation.Use("E", "?", "${E?e}"),
            new Interpolation.Use("F", ":+", "${F:+x}"),
            new Interpolation.Use("G", "+", "${G+x}"),
            new Interpolation.Use("H", "", "$H"));
  }

  @Test
  void alternativeValuesDoNotStandForTheVariable() {
    assertThat(new Interpolation.Use("F", ":+", "${F:+x}").takesValue()).isFalse();
    assertThat(new Interpolation.Use("B", ":-", "${B:-d}").takesValue()).isTrue();
  }

  @Test
  void rewriteReplacesOnlyWhatItIsGivenAndKeepsEscapesAndNestedDefaults() {
    String out = Interpolation.rewrite("a ${P:-${Q}} $$P $P_X ${Q}", u -> u.name().equals("P") ? "REF" : null);
    assertThat(out).isEqualTo("a REF $$P $P_X ${Q}");
  }

  @Test
  void anUnclosedBraceIsKeptAsWritten() {
    assertThat(Interpolation.rewrite("x ${P", u -> "REF")).isEqualTo("x ${P");
    assertThat(Interpolation.uses("${}")).isEmpty();
  }
}
