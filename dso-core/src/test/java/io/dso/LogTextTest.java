package io.dso;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

  @Test
  void lineBreaksTabsAndEscapeBecomeVisibleEscapes() {
    assertThat(LogText.escape("a\nb\rc\td\u001b[31me")).isEqualTo("a\\nb\\rc\\td\\e[31me");
  }

  @Test
  void otherControlsC1AndUnicodeSeparatorsAreEscaped() {
    assertThat(LogText.escape("\u0000\u0007\u007f\u0085\u009b\u2028\u2029\u202e\u2066"))
        .isEqualTo("\\u0000\\u0007\\u007f\\u0085\\u009b\\u2028\\u2029\\u202e\\u2066");
  }

  @Test
  void ordinaryTextIsReturnedAsItIs() {
    String s = "container web-1 label dso.secrets names 'db' äöü 😀 \\n";
    assertThat(LogText.escape(s)).isSameAs(s);
    assertThat(LogText.escape(null)).isNull();
  }

  @Test
  void escapingTwiceChangesNothing() {
    String once = LogText.escape("x\ny\u001bz");
    assertThat(LogText.escape(once)).isEqualTo(once);
  }

  @Test
  void longValuesAreCutWithTheirOriginalLength() {
    String label = "v".repeat(10_240);

    assertThat(LogText.echo(label))
        .isEqualTo("v".repeat(LogText.MAX_ECHO) + "...(10240 chars)");
    assertThat(LogText.line("m".repeat(70_000)))
        .hasSize(LogText.MAX_LINE + "...(70000 chars)".length())
        .endsWith("...(70000 chars)");
  }

  @Test
  void valuesWithinTheLimitAreNotCut() {
    String v = "v".repeat(LogText.MAX_ECHO);
    assertThat(LogText.echo(v)).isEqualTo(v);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String v = "a".repeat(LogText.MAX_ECHO - 1) + "😀" + "tail";

    assertThat(LogText.echo(v)).startsWith("a".repeat(LogText.MAX_ECHO - 1) + "...(");
  }
}
