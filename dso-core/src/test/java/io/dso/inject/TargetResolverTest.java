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

  private static TargetResolver restricted(SecretSpec... secrets) {
    AgentSettings d = AgentSettings.DEFAULT;
    AgentSettings agent = new AgentSettings(d.cache(), io.dso.config.LabelTargeting.RESTRICTED, d.refreshInterval(), d.watch(),
        d.webhook(), d.rotation(), d.restartGracePeriod(), d.shutdownTimeout());
    return new TargetResolver(new DsoConfig(Path.of("/x/dso.yaml"), Map.of(), agent, Defaults.DEFAULT, List.of(secrets)));
  }

  private static SecretSpec allowingLabels(String name) {
    SecretSpec s = InjectFixtures.env(name, Map.of());
    return new SecretSpec(name, s.provider(), s.inject(), false, null, null,
        new io.dso.config.Targets(List.of(), Map.of(), true), Map.of(), 1);
  }

  @Test
  void restrictedModeRefusesALabelRequestForASecretThatDoesNotAllowLabels() {
    TargetResolver r = restricted(db, allowingLabels("app/open"));
    var res = r.resolve(running("x", Map.of("dso.reloader", "true", "dso.secrets", "app/db")));
    assertThat(res.target()).isNull();
    assertThat(res.error()).isEqualTo("container x label dso.secrets asks for secret 'app/db', which is refused:"
        + " agent.label_targeting is restricted and the secret does not allow labels;"
        + " set targets.allow_labels: true on the secret or name the container in targets.containers");
  }

  @Test
  void restrictedModeDeliversAllowedSecretsAndReportsTheRefusedOnes() {
    SecretSpec open = allowingLabels("app/open");
    var res = restricted(db, open).resolve(running("x", Map.of("dso.reloader", "true", "dso.secrets", "app/db,app/open")));
    assertThat(res.error()).isNull();
    assertThat(res.target().secrets()).containsExactly(open);
    assertThat(res.refused()).singleElement().asString().contains("secret 'app/db'");
  }

  @Test
  void restrictedModeHonoursTheLabelWhenTheContainerMatchesTheSelectorOrIsNamed() {
    TargetResolver r = restricted(byLabel, api);
    var bySelector = r.resolve(running("c", Map.of("tier", "cache", "env", "prod", "dso.reloader", "true", "dso.secrets", "app/cache")));
    assertThat(bySelector.target().secrets()).containsExactly(byLabel);
    assertThat(bySelector.refused()).isEmpty();
    var named = r.resolve(running("web", Map.of("dso.reloader", "true", "dso.secrets", "app/api")));
    assertThat(named.target().secrets()).containsExactly(api);
    assertThat(named.refused()).as("named in targets.containers: nothing to refuse").isEmpty();
  }

  @Test
  void openModeLetsAnyLabelAskForAnySecret() {
    var res = resolver.resolve(running("x", Map.of("dso.reloader", "true", "dso.secrets", "app/cache")));
    assertThat(res.target().secrets()).containsExactly(byLabel);
    assertThat(res.refused()).isEmpty();
  }
}
