package io.dso.cli.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.compose.ComposePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverrideFileTest {
  private static final String CANARY = "canary-Zq8$x 'quoted' \"dq\"\nline2";
  @TempDir Path dir;

  private static ComposeProject project(String version) {
    return new ComposeProject(Path.of("/p"), List.of(Path.of("/p/compose.yaml")), "shop", version,
        Map.of("api", Map.of("DB_URL", "pg://dso://app/pass@db", "TLS", "dsofile://app/tls")));
  }

  private static ComposePlan.Response plan() {
    return new ComposePlan.Response("shop", List.of(new ComposePlan.ServicePlan("api",
        Map.of("DB_URL", "pg://" + CANARY + "@db", "TLS", "/run/secrets/dso/tls/value"),
        List.of(new ComposePlan.Mount("/run/dso/secrets/shop_api$1", "/run/secrets/dso")),
        Map.of("dso.reloader", "true", "dso.secrets", "app/pass,app/tls", "dso.template", "cost $5"),
        List.of(new ComposePlan.SecretUse("app/pass", List.of("value"), "env")))), true);
  }

  @Test
  void theOverrideHoldsReferencesLabelsAndMountsButNoValue() {
    OverrideFile o = new OverrideFile(project("3.8"), plan());
    String yaml = o.render();
    assertThat(yaml).doesNotContain("canary").doesNotContain("Zq8");
    String carrier = OverrideFile.carrier("shop", "api", "DB_URL");
    assertThat(yaml)
        .contains("version: \"3.8\"")
        .contains("DB_URL: \"${" + carrier + "}\"")
        .contains("dso.reloader: \"true\"")
        .contains("cost $$5")
        .contains("/run/dso/secrets/shop_api$$1:/run/secrets/dso:ro");
    assertThat(o.childEnvironment()).containsEntry(carrier, "pg://" + CANARY + "@db");
  }

  @Test
  void withoutAVersionInTheProjectTheOverrideHasNone() {
    assertThat(new OverrideFile(project(null), plan()).render()).doesNotContain("version");
  }

  @Test
  void carrierNamesAreValidVariableNamesAndDistinctPerProjectServiceAndVariable() {
    String a = OverrideFile.carrier("shop", "api", "X");
    assertThat(a).matches("DSO_[0-9A-F]{20}");
    assertThat(List.of(OverrideFile.carrier("shop", "api", "Y"), OverrideFile.carrier("shop", "web", "X"),
        OverrideFile.carrier("other", "api", "X"), OverrideFile.carrier("shop", "api-", "X"))).doesNotContain(a).doesNotHaveDuplicates();
  }

  @Test
  void theFileIsWrittenPrivatelyUnderTheProjectsDirectoryWithoutAValue() throws Exception {
    Path file = new OverrideFile(project(null), plan()).write(dir.resolve("home"));
    assertThat(file).isEqualTo(dir.resolve("home/compose/shop/" + OverrideFile.FILE_NAME));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(Files.readString(file)).doesNotContain("canary");
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing).containsExactly(file);
    }
  }
}
