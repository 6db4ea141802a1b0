package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.provider.SecretPayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent plans for a Compose service container: exactly the template variables, rendered
 * from current values; version labels for value references; file references in the service's
 * shared directory, stale ones rewritten in place. Values never reach labels.
 */
class ComposeInjectionTest {
  private static final String USER = "canary-user-19ab3c";
  private static final String PASS = "canary-pass-77e0d2";
  private static final String TOKEN = "canary-token-4b8f61";
  private static final String TOKEN2 = "canary-token-new-90c1aa";

  @TempDir Path dir;
  private final VersionKey key = new VersionKey(new byte[32]);
  private final SecretSpec db = InjectFixtures.env("myapp/db", Map.of());
  private final SecretSpec token = InjectFixtures.env("myapp/token", Map.of());
  private ComposeFiles files;
  private final Map<SecretSpec, SecretPayload> payloads = new LinkedHashMap<>();
  private String envLabel;

  @BeforeEach
  void setUp() throws Exception {
    files = new ComposeFiles(() -> dir);
    payloads.put(db, new SecretPayload(Map.of("user", USER, "pass", PASS, "host", "db")));
    payloads.put(token, new SecretPayload(Map.of("value", TOKEN)));
    Map<String, String> templates = new LinkedHashMap<>();
    templates.put("DB_URL", "postgresql://dso://myapp/db/user:dso://myapp/db/pass@db/app");
    templates.put("TOKEN_FILE", "dsofile://myapp/token");
    templates.put("FROM_VAULT", "dso://dev/not-declared");
    envLabel = new ObjectMapper().writeValueAsString(templates);
  }

  @Test
  void aFreshServiceContainerGetsOnlyItsTemplateVariablesAndTheFileMount() {
    InjectionPlan plan = plan(Map.of(), List.of());

    assertThat(plan.change().setEnv()).containsOnly(
        Map.entry("DB_URL", "postgresql://" + USER + ":" + PASS + "@db/app"),
        Map.entry("TOKEN_FILE", "/run/dso/myapp/token"));
    assertThat(plan.change().setLabels()).containsEntry(Labels.ENV_PREFIX + "myapp/db", key.version(db, payloads.get(db)))
        .doesNotContainKey(Labels.ENV_PREFIX + "myapp/token");
    assertThat(plan.change().binds()).containsExactly(new ContainerChange.BindMount(
        files.filesDir("proj", "web").toString(), "/run/dso", true));
    assertThat(plan.needNewContainer()).containsExactly(db, token);
    assertThat(plan.firstInjectionOnly()).isTrue();
    assertThat(plan.composeFiles()).singleElement().satisfies(w -> assertThat(w.refPath()).isEqualTo("myapp/token"));
    assertThat(files.filesDir("proj", "web")).as("planning writes nothing").doesNotExist();
    assertThat(plan.change().setLabels().toString() + plan + plan.composeFiles())
        .doesNotContain(USER).doesNotContain(PASS).doesNotContain(TOKEN);
  }

  @Test
  void aServiceStartedWithTheCurrentVersionsIsUpToDate() {
    files.write("proj", "web", "myapp/token", TOKEN, key.version(token, payloads.get(token)), null, null);
    InjectionPlan plan = plan(Map.of(Labels.ENV_PREFIX + "myapp/db", key.version(db, payloads.get(db))), mounted());
    assertThat(plan.upToDate()).isTrue();
    assertThat(plan.composeFiles()).isEmpty();
  }

  @Test
  void aChangedFileValueIsStaleInPlaceAndAChangedEnvValueNeedsANewContainer() throws Exception {
    files.write("proj", "web", "myapp/token", TOKEN, key.version(token, payloads.get(token)), null, null);
    String dbVersion = key.version(db, payloads.get(db));
    payloads.put(token, new SecretPayload(Map.of("value", TOKEN2)));
    payloads.put(db, new SecretPayload(Map.of("user", USER, "pass", "canary-pass-new", "host", "db")));

    InjectionPlan plan = plan(Map.of(Labels.ENV_PREFIX + "myapp/db", dbVersion), mounted());

    assertThat(plan.staleFiles()).containsExactly(token);
    assertThat(plan.needNewContainer()).containsExactly(db);
    assertThat(plan.firstInjectionOnly()).isFalse();
    assertThat(plan.changed()).containsExactly(db, token);
    InjectionPlan.ComposeWrite w = plan.composeFiles().getFirst();
    files.write(w.project(), w.service(), w.refPath(), ComposeRefs.pick(w.spec().name(), w.key(), w.payload()), w.version(), null, null);
    Path file = files.filesDir("proj", "web").resolve("myapp/token");
    assertThat(Files.readString(file)).isEqualTo(TOKEN2);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--------");
    assertThat(Files.readString(files.filesDir("proj", "web").getParent().resolve("versions.json")))
        .doesNotContain(TOKEN).doesNotContain(TOKEN2);
  }

  @Test
  void aMalformedTemplateLabelIsAnErrorNamingTheLabel() {
    envLabel = "{not json";
    assertThatThrownBy(() -> plan(Map.of(), List.of())).isInstanceOf(InjectionException.class)
        .hasMessageContaining(Labels.COMPOSE_ENV).hasMessageContaining("web-1");
  }

  @Test
  void aMultiKeySecretReferencedWithoutAKeyIsAnErrorWithoutValues() {
    envLabel = "{\"X\":\"dso://myapp/db\"}";
    assertThatThrownBy(() -> plan(Map.of(), List.of())).isInstanceOf(InjectionException.class)
        .hasMessageContaining("[host, pass, user]").message().doesNotContain(USER);
  }

  private List<ContainerDetails.Mount> mounted() {
    return List.of(new ContainerDetails.Mount("bind", files.filesDir("proj", "web").toString(), "/run/dso", false));
  }

  private InjectionPlan plan(Map<String, String> extraLabels, List<ContainerDetails.Mount> mounts) {
    Map<String, String> labels = new HashMap<>(Map.of(Labels.RELOADER, "true", Labels.SECRETS, "myapp/db,myapp/token",
        Labels.COMPOSE_PROJECT, "proj", Labels.COMPOSE_SERVICE, "web", Labels.COMPOSE_ENV, envLabel));
    labels.putAll(extraLabels);
    ContainerDetails c = new ContainerDetails("id-web", "web-1", "dso-test/busybox:1", labels, List.of(), "running", true,
        null, false, mounts, "", false, "none", Instant.EPOCH, false);
    return ComposeInjection.plan(c, new Target(c.id(), c.name(), List.of(db, token), null), payloads, key, files);
  }
}
