package io.dso.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void rememberedValuesAreMasked() {
    Redactor r = new Redactor();
    r.remember(List.of("hunter22"));

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
    r.remember(Arrays.asList("abc", null, "true"));

    assertThat(r.redact("abc is true")).isEqualTo("abc is [REDACTED]");
  }

  @Test
  void longestValueIsMaskedWhole() {
    Redactor r = new Redactor();
    r.remember(List.of("pass", "password-long"));

    assertThat(r.redact("x password-long y pass")).isEqualTo("x [REDACTED] y [REDACTED]");
  }

  @Test
  void forgetAllStopsMasking() {
    Redactor r = new Redactor();
    r.remember(List.of("hunter22"));
    r.forgetAll();

    assertThat(r.redact("hunter22")).isEqualTo("hunter22");
  }
}
