package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.config.SecretSpec;
import io.dso.provider.SecretPayload;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** How a reference path names a secret and a key: the one rule the planner and the agent share. */
class ComposeRefsTest {
  private static final String CANARY = "canary-refs-5d1e07";
  private final SecretSpec app = InjectFixtures.env("myapp", Map.of());
  private final SecretSpec db = InjectFixtures.env("myapp/db", Map.of());
  private final Function<String, Optional<SecretSpec>> declared =
      n -> List.of(app, db).stream().filter(s -> s.name().equals(n)).findFirst();

  @Test
  void anExactlyDeclaredNameIsThatSecretWithItsSingleKey() {
    assertThat(ComposeRefs.declared("myapp/db", declared)).contains(new ComposeRefs.Declared(db, null));
  }

  @Test
  void otherwiseTheLongestDeclaredPrefixNamesTheSecretAndTheRestIsTheKey() {
    assertThat(ComposeRefs.declared("myapp/db/password", declared)).contains(new ComposeRefs.Declared(db, "password"));
    assertThat(ComposeRefs.declared("myapp/api_key", declared)).contains(new ComposeRefs.Declared(app, "api_key"));
    assertThat(ComposeRefs.declared("other/thing", declared)).isEmpty();
  }

  @Test
  void aSingleKeyOrTheKeyValueIsTakenWhenTheReferenceNamesNone() {
    assertThat(ComposeRefs.pick("s", null, new SecretPayload(Map.of("only", CANARY)))).isEqualTo(CANARY);
    assertThat(ComposeRefs.pick("s", null, new SecretPayload(Map.of("value", CANARY, "other", "x")))).isEqualTo(CANARY);
    assertThat(ComposeRefs.pick("s", "other", new SecretPayload(Map.of("value", "v", "other", CANARY)))).isEqualTo(CANARY);
  }

  @Test
  void aMultiKeySecretWithoutAKeyIsAnErrorListingTheKeysNeverAValue() {
    assertThatThrownBy(() -> ComposeRefs.pick("myapp/db", null, new SecretPayload(Map.of("user", CANARY, "pass", CANARY))))
        .isInstanceOf(InjectionException.class)
        .hasMessageContaining("[pass, user]")
        .hasMessageContaining("myapp/db/<KEY>")
        .message().doesNotContain(CANARY);
    assertThatThrownBy(() -> ComposeRefs.pick("myapp/db", "nope", new SecretPayload(Map.of("user", CANARY))))
        .hasMessageContaining("no key 'nope'")
        .message().doesNotContain(CANARY);
  }

  @Test
  void referencesEmbeddedInLongerTextAreFoundAndRenderedInPlace() {
    String t = "postgresql://dso://myapp/user:dso://myapp/pass@db/app?cert=dsofile://myapp/ca";
    assertThat(ComposeRefs.refs(t)).containsExactly(new ComposeRefs.Ref(false, "myapp/user"),
        new ComposeRefs.Ref(false, "myapp/pass"), new ComposeRefs.Ref(true, "myapp/ca"));
    assertThat(ComposeRefs.render(t, r -> r.file() ? "/f" : "<" + r.path() + ">"))
        .isEqualTo("postgresql://<myapp/user>:<myapp/pass>@db/app?cert=/f");
  }

  @Test
  void dotSegmentsCannotBecomeFilePaths() {
    assertThat(ComposeRefs.safePath("myapp/db.password")).isTrue();
    assertThat(ComposeRefs.safePath("../etc/passwd")).isFalse();
    assertThat(ComposeRefs.safePath("a/./b")).isFalse();
  }
}
