package io.dso.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void rememberedValuesAreMasked() {
    Redactor r = new Redactor();
    r.remember("db", List.of("hunter22"));

    assertThat(r.redact("password hunter22 rejected; hunter22 again"))
        .isEqualTo("password [REDACTED] rejected; [REDACTED] again");
  }

  @Test
  void textIsUnchangedWhenNothingIsRemembered() {
    Redactor r = new Redactor();
    assertThat(r.redact("plain")).isEqualTo("plain");
    assertThat(r.redact(null)).isNull();
  }

  @Test
  void veryShortValuesAreNotMasked() {
    Redactor r = new Redactor();
    r.remember("s", Arrays.asList("abc", null, "true"));

    assertThat(r.redact("abc is true")).isEqualTo("abc is [REDACTED]");
  }

  @Test
  void longestValueIsMaskedWhole() {
    Redactor r = new Redactor();
    r.remember("s", List.of("pass", "password-long"));

    assertThat(r.redact("x password-long y pass")).isEqualTo("x [REDACTED] y [REDACTED]");
  }

  @Test
  void overlappingValuesGiveOneMask() {
    Redactor r = new Redactor();
    r.remember("a", List.of("abcdef"));
    r.remember("b", List.of("defghi"));

    assertThat(r.redact("<abcdefghi>")).isEqualTo("<[REDACTED]>");
    assertThat(r.redact("abcdef defghi")).isEqualTo("[REDACTED] [REDACTED]");
  }

  @Test
  void valuesAtTheEdgesAndNonAsciiAreMasked() {
    Redactor r = new Redactor();
    r.remember("s", List.of("pässwört-😀", "edge"));

    assertThat(r.redact("edge pässwört-😀")).isEqualTo("[REDACTED] [REDACTED]");
    assertThat(r.redact("edg")).isEqualTo("edg");
  }

  @Test
  void aNewValueOfASecretReplacesTheOldOne() {
    Redactor r = new Redactor();
    r.remember("db", List.of("old-value-1"));
    r.remember("db", List.of("new-value-2"));

    assertThat(r.redact("old-value-1 new-value-2")).isEqualTo("old-value-1 [REDACTED]");
    assertThat(r.size()).isEqualTo(1);
  }

  @Test
  void forgetStopsMaskingOneSecretOnly() {
    Redactor r = new Redactor();
    r.remember("a", List.of("value-of-a"));
    r.remember("b", List.of("value-of-b"));
    r.forget("a");

    assertThat(r.redact("value-of-a value-of-b")).isEqualTo("value-of-a [REDACTED]");
  }

  @Test
  void forgetAllStopsMasking() {
    Redactor r = new Redactor();
    r.remember(List.of("hunter22"));
    r.forgetAll();

    assertThat(r.redact("hunter22")).isEqualTo("hunter22");
  }

  @Test
  void heldValuesAreBoundedOldestSecretsFirst() {
    Redactor r = new Redactor();
    for (int i = 0; i <= Redactor.MAX_VALUES; i++) {
      r.remember("s" + i, List.of("value-" + i));
    }

    assertThat(r.size()).isEqualTo(Redactor.MAX_VALUES);
    assertThat(r.redact("value-0")).isEqualTo("value-0");
    assertThat(r.redact("value-" + Redactor.MAX_VALUES)).isEqualTo("[REDACTED]");
  }

  @Test
  void noValueIsHeldInTheRedactorsFields() throws Exception {
    Redactor r = new Redactor();
    String canary = "CANARY-" + System.nanoTime();
    r.remember("s", List.of(canary));

    // Walk the redactor's object graph: no String or char/byte array may contain the value.
    assertThat(Reachable.strings(r)).noneMatch(s -> s.contains(canary));
    assertThat(r.redact("x " + canary)).isEqualTo("x [REDACTED]");
  }

  @Test
  void matchesLikeAPlainSearchOnRandomText() {
    Random rnd = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 1 + rnd.nextInt(5); i++) {
        values.add(randomText(rnd, 4 + rnd.nextInt(4)));
      }
      String text = randomText(rnd, 200);
      Redactor r = new Redactor();
      r.remember("s", values);

      String redacted = r.redact(text);

      for (String v : values) {
        assertThat(redacted).doesNotContain(v);
      }
      if (values.stream().noneMatch(text::contains)) {
        assertThat(redacted).isEqualTo(text);
      }
    }
  }

  @Test
  void workIsOnePassPlusFewCandidatesEvenWithTenThousandValues() {
    // Counted work, not time: each confirmation is O(1), so the cost is the pass plus the checks.
    Redactor r = new Redactor();
    Random rnd = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      r.remember("s" + i, List.of(randomLetters(rnd, 8 + rnd.nextInt(24))));
    }
    String text = randomLetters(rnd, 20_000);
    int[] checks = new int[1];

    assertThat(r.redact(text, checks)).isEqualTo(text);
    // About 2% of the windows share their first 4 letters with one of the values (26^4 possible) and
    // about 1% collide in the 2^20 keys: 460 to 970 checks in 10 runs of random bases. A search per
    // value would scan the text 10,000 times.
    assertThat(checks[0]).isLessThan(text.length() / 10);

    r.remember("known", List.of("secret-00004711-value"));
    assertThat(r.redact(text + "secret-00004711-value")).endsWith("[REDACTED]");
  }

  private static String randomLetters(Random rnd, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + rnd.nextInt(26)));
    }
    return b.toString();
  }

  private static String randomText(Random rnd, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + rnd.nextInt(3)));
    }
    return b.toString();
  }
}
