package io.dso.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DotEnvTest {
  private static String value(DotEnv env, String key) {
    return env.entries().get(key).value();
  }

  @Test
  void exportPrefixesAreDroppedAndBlanksAroundTheEqualsSignTrimmed() {
    DotEnv env = DotEnv.parse(".env", "export A=1\nexport\tB=2\n  C = three  \n");
    assertThat(value(env, "A")).isEqualTo("1");
    assertThat(value(env, "B")).isEqualTo("2");
    assertThat(value(env, "C")).isEqualTo("three");
    assertThat(env.problems()).isEmpty();
  }

  @Test
  void singleQuotesAreLiteralAndDoubleQuotesUnescape() {
    DotEnv env = DotEnv.parse(".env", "S='a\\nb $X # c'\nD=\"a\\nb\\t\\\"q\\\" \\\\ \\$\" # comment\n");
    assertThat(value(env, "S")).isEqualTo("a\\nb $X # c");
    assertThat(value(env, "D")).isEqualTo("a\nb\t\"q\" \\ $");
  }

  @Test
  void quotedValuesMaySpanLinesAndTheNextKeyStillParses() {
    DotEnv env = DotEnv.parse(".env", "K=\"line1\nline2\"\nS='x\ny'\nN=after\n");
    assertThat(value(env, "K")).isEqualTo("line1\nline2");
    assertThat(value(env, "S")).isEqualTo("x\ny");
    assertThat(env.entries().get("N").line()).isEqualTo(5);
  }

  @Test
  void inlineCommentsNeedABlankBeforeTheHash() {
    DotEnv env = DotEnv.parse(".env", "# full line\n\nA=x#y # comment\nB= # only a comment\nC=\n");
    assertThat(value(env, "A")).isEqualTo("x#y");
    assertThat(value(env, "B")).isEmpty();
    assertThat(value(env, "C")).isEmpty();
  }

  @Test
  void aDuplicateKeyKeepsTheLastValueAndIsWarnedWithBothLines() {
    DotEnv env = DotEnv.parse(".env", "A=first\nA=second\n");
    assertThat(value(env, "A")).isEqualTo("second");
    assertThat(env.problems()).extracting(DotEnv.Problem::toString)
        .containsExactly(".env:2: A is set again (before: line 1); the last value wins");
  }

  @Test
  void invalidLinesAreReportedWithFileAndLineAndNeverEchoTheirText() {
    DotEnv env = DotEnv.parse("app.env", "canary-c-line\n9canary=1\nQ=\"x\" canary-tail\nU='canary-open\n");
    assertThat(env.entries()).isEmpty();
    assertThat(env.problems()).extracting(DotEnv.Problem::line).containsExactly(1, 2, 3, 4);
    assertThat(env.problems()).allSatisfy(p -> {
      assertThat(p.file()).isEqualTo("app.env");
      assertThat(p.message()).doesNotContain("canary");
    });
  }

  @Test
  void crlfLineEndingsAreRead() {
    assertThat(value(DotEnv.parse(".env", "A=1\r\nB=2\r\n"), "A")).isEqualTo("1");
  }

  @Test
  void toStringNeverShowsAValue() {
    DotEnv env = DotEnv.parse(".env", "A=canary-value\n");
    assertThat(env.toString() + env.entries().get("A")).doesNotContain("canary-value");
  }
}
