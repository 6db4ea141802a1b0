package io.dso.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretPayloadTest {

  private static SecretPayload ordered(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new SecretPayload(m);
  }

  @Test
  void hashIsIndependentOfKeyOrder() {
    SecretPayload ab = ordered("USER", "admin", "PASSWORD", "pw-1", "HOST", "db");
    SecretPayload ba = ordered("HOST", "db", "PASSWORD", "pw-1", "USER", "admin");

    assertThat(ab.sha256()).isEqualTo(ba.sha256());
    assertThat(ab.canonicalBytes()).isEqualTo(ba.canonicalBytes());
    assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba);
    assertThat(ab.values().keySet()).containsExactly("HOST", "PASSWORD", "USER");
  }

  @Test
  void hashDiffersWhenAValueChanges() {
    assertThat(ordered("USER", "admin", "PASSWORD", "pw-1").sha256())
        .isNotEqualTo(ordered("USER", "admin", "PASSWORD", "pw-2").sha256());
  }

  @Test
  void hashDiffersWhenAKeyIsRenamed() {
    assertThat(ordered("PASSWORD", "pw").sha256()).isNotEqualTo(ordered("PASSWD", "pw").sha256());
  }

  @Test
  void hashDiffersWhenAKeyIsAddedOrRemoved() {
    SecretPayload one = ordered("A", "1");
    SecretPayload two = ordered("A", "1", "B", "");
    assertThat(one.sha256()).isNotEqualTo(two.sha256());
    assertThat(one).isNotEqualTo(two);
  }

  @Test
  void keyAndValueBoundariesAreNotAmbiguous() {
    assertThat(ordered("ab", "c").sha256()).isNotEqualTo(ordered("a", "bc").sha256());
    assertThat(ordered("a", "").sha256()).isNotEqualTo(ordered("", "a").sha256());
    assertThat(ordered("a", "b", "c", "d").sha256()).isNotEqualTo(ordered("a", "bcd").sha256());
  }

  @Test
  void canonicalFormIsLengthPrefixedUtf8InKeyOrder() throws Exception {
    SecretPayload p = ordered("k", "vé");
    byte[] expected = {0, 0, 0, 1, 'k', 0, 0, 0, 3, 'v', (byte) 0xC3, (byte) 0xA9};
    assertThat(p.canonicalBytes()).isEqualTo(expected);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
    assertThat(p.sha256()).isEqualTo(sha).matches("[0-9a-f]{64}");
  }

  @Test
  void emptyPayloadHashesTheEmptyString() {
    assertThat(new SecretPayload(Map.of()).sha256())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void toStringNeverContainsValues() {
    String canary = "canary-" + java.util.UUID.randomUUID();
    SecretPayload p = ordered("PASSWORD", canary, "USER", "admin-user");

    assertThat(p.toString())
        .contains("PASSWORD", "USER", "values hidden")
        .doesNotContain(canary)
        .doesNotContain("admin-user");
  }

  @Test
  void nullKeyIsRejected() {
    Map<String, String> m = new HashMap<>();
    m.put(null, "v");
    assertThatThrownBy(() -> new SecretPayload(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be null");
  }

  @Test
  void nullValueIsRejected() {
    Map<String, String> m = new HashMap<>();
    m.put("KEY", null);
    assertThatThrownBy(() -> new SecretPayload(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be null");
  }

  @Test
  void valuesAreACopyAndUnmodifiable() {
    Map<String, String> source = new HashMap<>(Map.of("A", "1"));
    SecretPayload p = new SecretPayload(source);
    source.put("B", "2");

    assertThat(p.values()).containsExactly(Map.entry("A", "1"));
    assertThatThrownBy(() -> p.values().put("C", "3")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void utf8ContentHashesByBytesNotChars() {
    // Same char count, different bytes: must differ.
    assertThat(ordered("K", "é").sha256()).isNotEqualTo(ordered("K", "e").sha256());
    assertThat(ordered("K", "é").canonicalBytes())
        .endsWith("é".getBytes(StandardCharsets.UTF_8));
  }
}
