package io.dso.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.api.ApiException;
import io.dso.inject.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planning with no agent: the providers of a dso.yaml are read in this process; no version labels. */
class InProcessPlannerTest {
  private static final String CANARY = "canary-inproc-8e21d4";

  @TempDir Path dir;

  @Test
  void declaredSecretsAreFetchedInProcessAndNoVersionLabelIsSet() throws Exception {
    Path config = config();
    ComposePlan.Response r = InProcessPlanner.create(config).plan(new ComposePlan.Request("proj",
        List.of(new ComposePlan.ServiceRequest("web", Map.of("URL", "http://u:dso://app/db/pass@h"))), false));

    ComposePlan.ServicePlan web = r.services().getFirst();
    assertThat(web.env()).containsExactly(Map.entry("URL", "http://u:" + CANARY + "@h"));
    assertThat(web.labels()).containsEntry(Labels.SECRETS, "app/db").containsEntry(Labels.RELOADER, "true")
        .doesNotContainKey(Labels.ENV_PREFIX + "app/db");
    assertThat(web.labels().toString()).doesNotContain(CANARY);
    assertThat(r.rotating()).as("no agent runs").isFalse();
  }

  @Test
  void anUndeclaredNameWithoutAVaultProviderIsNotFound() throws Exception {
    Path config = config();
    assertThatThrownBy(() -> InProcessPlanner.create(config).plan(new ComposePlan.Request("proj",
        List.of(new ComposePlan.ServiceRequest("web", Map.of("X", "dso://app/other"))), false)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("service 'web', variable X: dso://app/other: no such secret; declare it under secrets: in dso.yaml"
            + " (declared: [app/db])");
  }

  private Path config() throws Exception {
    Files.writeString(dir.resolve("secrets.json"), "{\"app/db\": {\"user\": \"u\", \"pass\": \"" + CANARY + "\"}}");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        secrets:
          - name: app/db
        """);
    return config;
  }
}
