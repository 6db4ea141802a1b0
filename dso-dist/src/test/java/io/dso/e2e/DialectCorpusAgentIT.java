package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.provider.azure.FakeKeyVaultServer;
import io.dso.testing.DockerCli;
import io.dso.testing.FakeCsmsServer;
import io.dso.testing.FakeSecretsManagerServer;
import io.dso.testing.FakeVaultServer;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of the dialect corpus (written the original Docker Secret Operator's way) and its native
 * twin run in the real agent against local fakes: both fetch the same secrets from the same providers
 * and end with the same versions. Addresses and paths the corpus hard-codes are replaced in a copy.
 */
@Tag("e2e")
class DialectCorpusAgentIT {
  private static final int MINIMUM_PAIRS = 15;
  private static final Duration READY_WITHIN = Duration.ofSeconds(45);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FETCH = Pattern.compile("^dso_secret_fetches_total\\{([^}]*)}\\s+([0-9.eE+]+)", Pattern.MULTILINE);
  private static final Pattern PROVIDER = Pattern.compile("provider=\"([^\"]*)\"");

  @TempDir Path dir;

  /** What one run left behind: secret name to provider, version and keys, and the providers fetched from. */
  record Effect(Map<String, String> secrets, TreeSet<String> fetchedFrom) {}

  /** One corpus pair with the fakes, copies and environment it needs. */
  private interface Rig extends AutoCloseable {
    Map<String, String> env();

    String adapt(String yaml);

    @Override
    default void close() {}
  }

  @Test
  void everyDialectFileHasTheSameEffectInTheRealAgentAsItsNativeTwin() throws Exception {
    Path corpus = AgentProcess.repoRoot().resolve("dso-core/src/test/resources/dialect");
    Path plugins = AgentProcess.repoRoot().resolve("dist/plugins");
    List<Path> dialects;
    try (Stream<Path> s = Files.list(corpus)) {
      dialects = s.filter(p -> p.getFileName().toString().endsWith(".yaml") && !p.getFileName().toString().endsWith(".native.yaml"))
          .sorted().toList();
    }
    List<String> ran = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    String canary = "CANARY-corpus-" + UUID.randomUUID();
    long t0 = System.nanoTime();
    try (DockerCli docker = new DockerCli()) {
      for (Path dialect : dialects) {
        String base = dialect.getFileName().toString().replace(".yaml", "");
        Path twin = corpus.resolve(base + ".native.yaml");
        String text = Files.readString(dialect);
        String why = skipReason(base, text, plugins);
        if (why != null) {
          skipped.add(base + ": " + why);
          continue;
        }
        long p0 = System.nanoTime();
        Path pairDir = Files.createDirectories(dir.resolve(base));
        try (Rig rig = rigFor(base, pairDir, canary)) {
          Effect a = run(pairDir.resolve("dialect"), rig, text, docker.host, canary);
          Effect b = run(pairDir.resolve("native"), rig, Files.readString(twin), docker.host, canary);
          if (!a.equals(b)) {
            failures.add(base + ": dialect " + a + " but twin " + b);
          } else if (a.secrets().isEmpty() || a.fetchedFrom().isEmpty()) {
            failures.add(base + ": nothing fetched " + a);
          }
          ran.add(base + " (" + Duration.ofNanos(System.nanoTime() - p0).toMillis() + " ms, " + a.secrets().keySet() + " from " + a.fetchedFrom() + ")");
        } catch (AssertionError | Exception e) {
          failures.add(base + ": " + e.getMessage());
        }
      }
    }
    System.out.println("dialect corpus end to end: " + ran.size() + " pairs ran in "
        + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
    ran.forEach(r -> System.out.println("  ran     " + r));
    skipped.forEach(s -> System.out.println("  skipped " + s));
    failures.forEach(f -> System.out.println("  FAILED  " + f));
    assertThat(failures).as("pairs whose dialect file and twin differ in effect").isEmpty();
    assertThat(ran).as("pairs run end to end (skipped: " + skipped + ")").hasSizeGreaterThanOrEqualTo(MINIMUM_PAIRS);
  }

  /** Why a pair cannot run here, or null. */
  private static String skipReason(String base, String text, Path plugins) {
    Matcher m = Pattern.compile("(?m)^\\s+type: (aws|vault|azure|huawei)\\s*$").matcher(text);
    while (m.find()) {
      if (!Files.isDirectory(plugins.resolve(m.group(1)))) {
        return "no " + m.group(1) + " plugin in dist/plugins";
      }
    }
    return switch (base) {
      case "07-azure-managed-identity" -> "managed identity needs the machine's metadata endpoint and a vault_name resolved to the public cloud";
      default -> null;
    };
  }

  private Rig rigFor(String base, Path pairDir, String canary) throws Exception {
    if (base.startsWith("01-") || base.startsWith("02-") || base.startsWith("03-")) {
      String region = Map.of("01", "us-east-1", "02", "eu-west-1", "03", "us-west-2").get(base.substring(0, 2));
      String keyId = "AKIDCORPUS" + base.substring(0, 2);
      String secretKey = "CANARY-sk-" + UUID.randomUUID();
      FakeSecretsManagerServer fake = new FakeSecretsManagerServer(region, keyId, secretKey);
      fake.putString("app/api", "{\"token\":\"" + canary + "\"}");
      fake.putString("app/cache", "{\"CACHE_URL\":\"" + canary + "\"}");
      fake.putString("myapp/db-credentials", "{\"password\":\"" + canary + "\"}");
      fake.allowRole("arn:aws:iam::123456789012:role/dso-reader", null);
      String endpoint = fake.endpoint().toString();
      return new Rig() {
        @Override
        public Map<String, String> env() {
          return Map.of("AWS_KEY_ID", keyId, "AWS_SECRET", secretKey, "AWS_ACCESS_KEY_ID", keyId,
              "AWS_SECRET_ACCESS_KEY", secretKey, "AWS_EC2_METADATA_DISABLED", "true");
        }

        @Override
        public String adapt(String yaml) {
          return yaml.replace("http://127.0.0.1:4566", endpoint)
              .replaceAll("(?m)^(\\s*)region: (us-west-2|us-east-1)$", "$0\n$1endpoint: " + endpoint + "\n$1sts_endpoint: " + endpoint)
              .replace("{ region: us-west-2 }", "{ region: us-west-2, endpoint: \"" + endpoint + "\" }");
        }

        @Override
        public void close() {
          fake.close();
        }
      };
    }
    if (base.startsWith("04-") || base.startsWith("05-") || base.startsWith("06-")) {
      FakeVaultServer fake = new FakeVaultServer(Clock.systemUTC());
      String token = "CANARY-token-" + UUID.randomUUID();
      fake.addToken(token, 0, false);
      fake.roleId = "role-" + base.substring(0, 2);
      fake.secretId = "CANARY-sid-" + UUID.randomUUID();
      fake.jwtRole = "dso";
      fake.jwt = "CANARY-jwt-" + UUID.randomUUID();
      Path secretIdFile = pairDir.resolve("secret-id");
      Files.writeString(secretIdFile, fake.secretId);
      Path jwtFile = pairDir.resolve("sa-token");
      Files.writeString(jwtFile, fake.jwt);
      fake.putV2("secret", "myapp/config", Map.of("CONFIG", canary));
      fake.putV2("secret", "myapp/db", Map.of("DB_PASSWORD", canary));
      String address = fake.address();
      return new Rig() {
        @Override
        public Map<String, String> env() {
          return Map.of("VAULT_TOKEN", token, "ROLE_ID", fake.roleId);
        }

        @Override
        public String adapt(String yaml) {
          return yaml.replace("http://127.0.0.1:8200", address).replace("https://vault.example:8200", address)
              .replace("/run/vault/secret-id", secretIdFile.toString())
              .replace("/var/run/secrets/kubernetes.io/serviceaccount/token", jwtFile.toString());
        }

        @Override
        public void close() {
          fake.close();
        }
      };
    }
    if (base.startsWith("09-")) {
      String ak = "AKCORPUS09";
      String sk = "CANARY-hwsk-" + UUID.randomUUID();
      FakeCsmsServer fake = new FakeCsmsServer("0123456789abcdef", ak, sk);
      fake.put("app-secret", "{\"token\":\"" + canary + "\"}");
      String endpoint = fake.endpoint().toString();
      return new Rig() {
        @Override
        public Map<String, String> env() {
          return Map.of("HW_AK", ak, "HW_SK", sk);
        }

        @Override
        public String adapt(String yaml) {
          // The fake stands in for the region's endpoint, at the same level as the region.
          return yaml.replaceAll("(?m)^(\\s*)region: ap-southeast-1$", "$0\n$1endpoint: " + endpoint);
        }

        @Override
        public void close() {
          fake.close();
        }
      };
    }
    if (base.startsWith("08-")) {
      String clientSecret = "CANARY-sp-" + UUID.randomUUID();
      FakeKeyVaultServer fake = new FakeKeyVaultServer(pairDir, clientSecret);
      fake.put("api-key", canary);
      String url = fake.url();
      String pem = fake.certPem().toString();
      return new Rig() {
        @Override
        public Map<String, String> env() {
          return Map.of("AZURE_CLIENT_SECRET", clientSecret);
        }

        @Override
        public String adapt(String yaml) {
          // The fake's token endpoint and its self-signed certificate join the vault URL at the same level.
          return yaml.replaceAll("(?m)^(\\s*)vault_url: https://my-vault.vault.azure.net$",
                  "$1vault_url: " + url + "\n$1authority_host: " + url + "\n$1ca_cert: " + pem
                      + "\n$1verify_challenge_resource: false")
              .replace("00000000-0000-0000-0000-000000000001", FakeKeyVaultServer.TENANT)
              .replace("00000000-0000-0000-0000-000000000002", FakeKeyVaultServer.CLIENT_ID);
        }

        @Override
        public void close() {
          fake.close();
        }
      };
    }
    Path files = Files.createDirectories(pairDir.resolve("files"));
    Files.writeString(files.resolve("db.json"), "{\"DB_PASSWORD\":\"" + canary + "\"}");
    String local = """
        {"app": {"db-host": "%1$s", "password": "%1$s", "token": "%1$s"},
         "nginx/tls": {"cert.pem": "%1$s"},
         "myapp/db": {"DB_PASSWORD": "%1$s"},
         "myapp/api": {"API_KEY": "%1$s"},
         "myapp/tls-cert": {"PEM": "%1$s"}}
        """.formatted(canary);
    return new Rig() {
      @Override
      public Map<String, String> env() {
        return Map.of("DSO_WEBHOOK_TOKEN", "CANARY-wh-" + canary);
      }

      @Override
      public String adapt(String yaml) {
        try {
          // The local provider's relative path: each run writes its own copy next to its dso.yaml.
          for (String which : List.of("dialect", "native")) {
            Files.createDirectories(pairDir.resolve(which));
            Files.writeString(pairDir.resolve(which).resolve("secrets.json"), local);
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return yaml.replace("/etc/dso/secrets", files.toString());
      }
    };
  }

  private static Effect run(Path run, Rig rig, String yaml, String dockerHost, String canary) throws Exception {
    Files.createDirectories(run);
    Path config = run.resolve("dso.yaml");
    Files.writeString(config, rig.adapt(yaml));
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    Map<String, String> env = new HashMap<>(rig.env());
    env.put("DOCKER_HOST", dockerHost);
    try (AgentProcess agent = AgentProcess.start(run, config, metricsPort, apiPort, env)) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      long deadline = System.nanoTime() + READY_WITHIN.toNanos();
      int status = 0;
      while (System.nanoTime() < deadline && (status = safeStatus(apiPort)) != 200) {
        if (!agent.alive()) {
          throw new AssertionError("agent exited: " + Files.readString(agent.stderr));
        }
        Thread.sleep(150);
      }
      if (status != 200) {
        throw new AssertionError("not ready within " + READY_WITHIN + ": " + tail(agent.stderr));
      }
      String api = AgentProcess.get(apiPort, "/api/secrets").body();
      String metrics = AgentProcess.get(metricsPort, "/metrics").body();
      agent.terminate();
      for (Path out : List.of(agent.stdout, agent.stderr, agent.audit)) {
        String text = Files.exists(out) ? Files.readString(out) : "";
        assertThat(text).as(out + " holds no value").doesNotContain(canary);
      }
      assertThat(api + metrics).as("API and metrics hold no value").doesNotContain(canary);
      Map<String, String> secrets = new java.util.TreeMap<>();
      for (JsonNode s : JSON.readTree(api).path("secrets")) {
        secrets.put(s.path("name").asText(), s.path("provider").asText() + " " + s.path("version").asText() + " " + s.path("keys"));
      }
      TreeSet<String> fetchedFrom = new TreeSet<>();
      Matcher m = FETCH.matcher(metrics);
      while (m.find()) {
        Matcher p = PROVIDER.matcher(m.group(1));
        if (p.find() && Double.parseDouble(m.group(2)) > 0) {
          fetchedFrom.add(p.group(1));
        }
      }
      return new Effect(secrets, fetchedFrom);
    }
  }

  private static int safeStatus(int apiPort) {
    try {
      return AgentProcess.get(apiPort, "/ready").statusCode();
    } catch (Exception e) {
      return 0;
    }
  }

  private static String tail(Path log) throws java.io.IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }
}
