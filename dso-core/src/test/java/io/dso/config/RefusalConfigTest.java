package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keys that let an operator narrow who may ask for a secret and which env vars it may set. */
class RefusalConfigTest {
  private final ConfigLoader loader = new ConfigLoader(Map.of(), new StubProviderTypes());

  private DsoConfig parse(String yaml) {
    return loader.parse(yaml, Path.of("dso.yaml"));
  }

  @Test
  void labelTargetingIsOpenByDefaultAndRestrictedWhenAsked() {
    assertThat(parse("provider: env\n").agent().labelTargeting()).isEqualTo(LabelTargeting.OPEN);
    DsoConfig c = parse("""
        provider: env
        agent: { label_targeting: restricted }
        secrets:
          - name: a
            targets: { allow_labels: true }
          - name: b
        """);
    assertThat(c.agent().labelTargeting()).isEqualTo(LabelTargeting.RESTRICTED);
    assertThat(c.secret("a").orElseThrow().targets().allowLabels()).isTrue();
    assertThat(c.secret("b").orElseThrow().targets().allowLabels()).isFalse();
  }

  @Test
  void reservedEnvVarIsAcceptedOnlyWhereItsMappingAllowsIt() {
    DsoConfig c = parse("""
        provider: env
        secrets:
          - name: app/runtime
            mappings:
              OPTS: { name: JAVA_TOOL_OPTIONS, allow_reserved: true }
              PASSWORD: DB_PASSWORD
              USER: { name: DB_USER }
        """);
    SecretSpec s = c.secret("app/runtime").orElseThrow();
    assertThat(s.mappings()).containsExactly(
        Map.entry("OPTS", "JAVA_TOOL_OPTIONS"), Map.entry("PASSWORD", "DB_PASSWORD"), Map.entry("USER", "DB_USER"));
    assertThat(s.allowReserved()).isEqualTo(Set.of("JAVA_TOOL_OPTIONS"));
  }

  @Test
  void everyDocumentedLoaderVariableIsReserved() {
    for (String name : new String[] {"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_ANYTHING", "DYLD_INSERT_LIBRARIES",
        "PATH", "HOME", "SHELL", "IFS", "BASH_ENV", "ENV", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PERL5LIB",
        "PERL5OPT", "RUBYOPT", "RUBYLIB", "NODE_OPTIONS", "NODE_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS", "CLASSPATH", "GCONV_PATH", "HOSTALIASES", "LOCALDOMAIN", "RES_OPTIONS", "PROMPT_COMMAND",
        "GLIBC_TUNABLES", "GIT_SSH_COMMAND", "GIT_CONFIG_KEY_0"}) {
      assertThat(ReservedEnvNames.reason(name)).as(name).isPresent();
    }
    for (String name : new String[] {"DB_PASSWORD", "path", "HOMEPAGE_URL", "MY_PATH", "GIT_TOKEN", "LDAP_URL", "API_KEY"}) {
      assertThat(ReservedEnvNames.reason(name)).as(name).isEmpty();
    }
  }

  @Test
  void disjointLabelSelectorsMaySetTheSameEnvVar() {
    DsoConfig c = parse("""
        provider: env
        secrets:
          - name: a
            targets: { labels: { app: api } }
            mappings: { P: DB_PASSWORD }
          - name: b
            targets: { labels: { app: worker } }
            mappings: { P: DB_PASSWORD }
        """);
    assertThat(c.secrets()).hasSize(2);
  }
}
