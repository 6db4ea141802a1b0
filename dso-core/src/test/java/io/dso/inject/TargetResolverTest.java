package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.config.AgentSettings;
import io.dso.config.Defaults;
import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetResolverTest {
  private final SecretSpec db = InjectFixtures.env("app/db", Map.of());
  private final SecretSpec api = InjectFixtures.targeted("app/api", List.of("web"), Map.of());
  private final SecretSpec byLabel = InjectFixtures.targeted("app/cache", List.of(), Map.of("tier", "cache", "env", "prod"));
  private final TargetResolver resolver = new TargetResolver(
      new DsoConfig(Path.of("/x/dso.yaml"), Map.of(), AgentSettings.DEFAULT, Defaults.DEFAULT, List.of(db, api, byLabel)));

  private static ContainerSummary running(String name, Map<String, String> labels) {
    return new ContainerSummary("0123456789abcdef", name, "img", labels, "running");
  }

  @Test
  void reloaderLabelSelectsTheNamedSecretsInConfigOrder() {
    var r = resolver.resolve(running("x", Map.of("dso.reloader", "true", "dso.secrets", "app/api, app/db")));
    assertThat(r.error()).isNull();
    assertThat(r.target().secrets()).containsExactly(db, api);
  }

  @Test
  void targetsByNameAndByAllLabelsAreAdded() {
    assertThat(resolver.resolve(running("web", Map.of())).target().secrets()).containsExactly(api);
    assertThat(resolver.resolve(running("c", Map.of("tier", "cache", "env", "prod"))).target().secrets()).containsExactly(byLabel);
    assertThat(resolver.resolve(running("c", Map.of("tier", "cache")))).isNull();
  }

  @Test
  void unknownSecretInLabelIsAnErrorAndTheContainerIsNotATarget() {
    var r = resolver.resolve(running("x", Map.of("dso.reloader", "true", "dso.secrets", "app/db,app/nope")));
    assertThat(r.target()).isNull();
    assertThat(r.error()).isEqualTo(
        "container x label dso.secrets names unknown secret 'app/nope'; configured secrets: [app/db, app/api, app/cache]");
  }

  @Test
  void invalidStrategyLabelIsAnErrorNotSilentlyReplaced() {
    var r = resolver.resolve(running("web", Map.of("dso.update.strategy", "blue-green")));
    assertThat(r.target()).isNull();
    assertThat(r.error()).isEqualTo("container web label dso.update.strategy='blue-green' is not a strategy;"
        + " use one of [auto, none, restart, rolling, signal]");
    assertThat(resolver.resolve(running("web", Map.of("dso.update.strategy", "signal"))).target().strategy()).isEqualTo("signal");
  }

  @Test
  void stoppedAndTemporaryContainersAreIgnored() {
    assertThat(resolver.resolve(new ContainerSummary("id", "web", "img", Map.of(), "exited"))).isNull();
    assertThat(resolver.resolve(running("web_dso_new", Map.of()))).isNull();
    assertThat(resolver.resolve(running("web_dso_old", Map.of()))).isNull();
  }

  @Test
  void reloaderWithoutSecretsLabelSaysWhatToAdd() {
    assertThat(resolver.resolve(running("x", Map.of("dso.reloader", "true"))).error())
        .contains("has dso.reloader=true but no dso.secrets label");
  }
}
