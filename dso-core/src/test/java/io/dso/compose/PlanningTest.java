package io.dso.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.api.ApiException;
import io.dso.config.InjectMode;
import io.dso.config.InjectSpec;
import io.dso.config.SecretSpec;
import io.dso.config.Targets;
import io.dso.inject.ComposeFiles;
import io.dso.inject.ComposeRefs;
import io.dso.inject.Labels;
import io.dso.provider.SecretPayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planning without an agent or Docker: declared secrets and vault entries from stand-ins, files in
 * a temp dir. Proves the resolution rules, that labels and the dry run hold no value, and that a
 * bad reference anywhere leaves nothing written.
 */
class PlanningTest {
  private static final String USER = "canary-plan-user-3c71";
  private static final String PASS = "canary-plan-pass-a9d0";
  private static final String KEY = "canary-plan-key-55be";
  private static final String VAULTED = "canary-plan-vault-0e4f";

  @TempDir Path dir;
  private final SecretSpec db = spec("myapp/db");
  private final SecretSpec api = spec("myapp/api");
  private final Map<String, SecretPayload> values = Map.of(
      "myapp/db", new SecretPayload(Map.of("user", USER, "pass", PASS)),
      "myapp/api", new SecretPayload(Map.of("value", KEY)));
  private boolean vault = true;

  @Test
  void embeddedReferencesAreRenderedAndLabelsCarryTemplatesAndVersionsOnly() throws Exception {
    ComposePlan.Response r = planning().plan(request(false, Map.of(
        "DB_URL", "postgresql://dso://myapp/db/user:dso://myapp/db/pass@db/app",
        "API_KEY", "dso://myapp/api",
        "PLAIN", "no reference here")));

    ComposePlan.ServicePlan web = r.services().getFirst();
    assertThat(web.env()).containsOnly(Map.entry("DB_URL", "postgresql://" + USER + ":" + PASS + "@db/app"),
        Map.entry("API_KEY", KEY));
    assertThat(web.labels()).containsEntry(Labels.RELOADER, "true")
        .containsEntry(Labels.SECRETS, "myapp/api,myapp/db")
        .containsEntry(Labels.STRATEGY, "rolling")
        .containsEntry(Labels.COMPOSE_PROJECT, "proj")
        .containsEntry(Labels.COMPOSE_SERVICE, "web")
        .containsEntry(Labels.ENV_PREFIX + "myapp/db", "v-myapp/db")
        .containsEntry(Labels.ENV_PREFIX + "myapp/api", "v-myapp/api");
    Map<String, Object> templates = new ObjectMapper().readValue(web.labels().get(Labels.COMPOSE_ENV),
        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    assertThat(templates).containsOnlyKeys("DB_URL", "API_KEY");
    assertThat(web.labels().toString()).doesNotContain(USER).doesNotContain(PASS).doesNotContain(KEY);
    assertThat(web.secrets()).containsExactly(new ComposePlan.SecretUse("myapp/api", List.of("value"), "env"),
        new ComposePlan.SecretUse("myapp/db", List.of("pass", "user"), "env"));
    assertThat(web.mounts()).isEmpty();
    assertThat(r.rotating()).isTrue();
  }

  @Test
  void aFileReferenceIsWrittenReadOnlyOnTheSecretsDirAndMountedAndTheVariableIsItsPath() throws Exception {
    ComposePlan.Response r = planning().plan(request(false, Map.of("DB_PASS_FILE", "dsofile://myapp/db/pass")));

    ComposePlan.ServicePlan web = r.services().getFirst();
    Path filesDir = dir.resolve(".compose/proj/web/files");
    assertThat(web.env()).containsExactly(Map.entry("DB_PASS_FILE", "/run/dso/myapp/db/pass"));
    assertThat(web.mounts()).containsExactly(new ComposePlan.Mount(filesDir.toString(), "/run/dso"));
    Path file = filesDir.resolve("myapp/db/pass");
    assertThat(Files.readString(file)).isEqualTo(PASS);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--------");
    assertThat(web.secrets()).containsExactly(new ComposePlan.SecretUse("myapp/db", List.of("pass"), "file"));
    assertThat(web.labels()).doesNotContainKey(Labels.ENV_PREFIX + "myapp/db");
  }

  @Test
  void aDryRunReturnsNoValueAndWritesNothing() throws Exception {
    ComposePlan.Response r = planning().plan(request(true, Map.of(
        "DB_URL", "postgresql://dso://myapp/db/user:dso://myapp/db/pass@db/app", "F", "dsofile://myapp/api")));

    ComposePlan.ServicePlan web = r.services().getFirst();
    assertThat(web.env()).isEmpty();
    assertThat(web.mounts()).containsExactly(new ComposePlan.Mount(null, "/run/dso"));
    assertThat(web.labels().keySet()).noneMatch(k -> k.startsWith(Labels.ENV_PREFIX));
    assertThat(new ObjectMapper().writeValueAsString(r)).doesNotContain(USER).doesNotContain(PASS).doesNotContain(KEY);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void anUnknownReferenceNamesServiceVariableAndReferenceAndNothingIsWritten() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("A_FILE", "dsofile://myapp/api");
    env.put("DB_URL", "dso://myapp/nope");
    assertThatThrownBy(() -> planning().plan(request(false, env)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageStartingWith("service 'web', variable DB_URL: dso://myapp/nope: no such secret;")
        .hasMessageContaining("dso secret set myapp/nope");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).as("a resolvable file reference before the bad one is not written").isEmpty();
    }
    vault = false;
    assertThatThrownBy(() -> planning().plan(request(false, env)))
        .hasMessageContaining("declare it under secrets: in dso.yaml (declared: [myapp/db, myapp/api])");
  }

  @Test
  void aMultiKeySecretWithoutAKeyIsAnErrorListingItsKeys() {
    assertThatThrownBy(() -> planning().plan(request(false, Map.of("DB", "dso://myapp/db"))))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("service 'web', variable DB:")
        .hasMessageContaining("[pass, user]")
        .message().doesNotContain(USER).doesNotContain(PASS);
  }

  @Test
  void anUndeclaredNameComesFromTheVaultAndIsNotLabelledForRotation() {
    ComposePlan.Response r = planning().plan(request(false, Map.of("LEGACY", "dso://dev/legacy_token")));
    ComposePlan.ServicePlan web = r.services().getFirst();
    assertThat(web.env()).containsExactly(Map.entry("LEGACY", VAULTED));
    assertThat(web.labels()).doesNotContainKeys(Labels.RELOADER, Labels.SECRETS);
    assertThat(web.secrets()).containsExactly(new ComposePlan.SecretUse("dev/legacy_token", List.of("value"), "env"));
    assertThat(r.rotating()).as("nothing the agent polls").isFalse();
  }

  @Test
  void aDotSegmentAndABadProjectNameAreRefused() {
    assertThatThrownBy(() -> planning().plan(request(false, Map.of("X", "dsofile://myapp/../../etc"))))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> planning().plan(new ComposePlan.Request("../x", List.of(), false)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void theContractTemplateAndTheAgentFindTheSameReferences() {
    for (String t : List.of("dso://a", "x=dso://a/b:dsofile://c/d.e-f_g@h", "dso:/no", "dsofile://x/y/z/", "pre dso://p/q post")) {
      List<ComposeRefs.Ref> agent = ComposeRefs.refs(t);
      List<ComposeRefs.Ref> contract = EnvTemplate.parse(t).references().stream()
          .map(p -> new ComposeRefs.Ref(p.kind() == EnvTemplate.Kind.FILE, p.path())).toList();
      assertThat(agent).as(t).isEqualTo(contract);
    }
  }

  @Test
  void theRouteReadsAPlanRequestFromJson() throws Exception {
    var body = new ObjectMapper().readTree(
        "{\"project\":\"proj\",\"dryRun\":true,\"services\":[{\"service\":\"web\",\"env\":{\"A\":\"dso://x\"}}]}");
    assertThat(ComposeRoutes.request(body)).isEqualTo(
        new ComposePlan.Request("proj", List.of(new ComposePlan.ServiceRequest("web", Map.of("A", "dso://x"))), true));
    assertThatThrownBy(() -> ComposeRoutes.request(new ObjectMapper().readTree("{\"services\":[]}")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  private static ComposePlan.Request request(boolean dryRun, Map<String, String> env) {
    return new ComposePlan.Request("proj", List.of(new ComposePlan.ServiceRequest("web", env)), dryRun);
  }

  private static SecretSpec spec(String name) {
    return new SecretSpec(name, "dev", new InjectSpec(InjectMode.ENV, null, null, null, null), true, null, null,
        Targets.NONE, Map.of(), 1);
  }

  private Planning planning() {
    ComposeFiles files = new ComposeFiles(() -> dir);
    return new Planning(new PlanSources() {
      @Override
      public Optional<SecretSpec> declared(String name) {
        return Stream.of(db, api).filter(s -> s.name().equals(name)).findFirst();
      }

      @Override
      public List<String> declaredNames() {
        return List.of("myapp/db", "myapp/api");
      }

      @Override
      public SecretPayload payload(SecretSpec spec) {
        return values.get(spec.name());
      }

      @Override
      public boolean vault() {
        return vault;
      }

      @Override
      public Optional<SecretPayload> vaultEntry(String name) {
        return name.equals("dev/legacy_token") ? Optional.of(new SecretPayload(Map.of("value", VAULTED))) : Optional.empty();
      }

      @Override
      public String version(SecretSpec spec, SecretPayload payload) {
        return "v-" + spec.name();
      }

      @Override
      public ComposeFiles files() {
        return files;
      }

      @Override
      public boolean rotating() {
        return true;
      }
    });
  }
}
