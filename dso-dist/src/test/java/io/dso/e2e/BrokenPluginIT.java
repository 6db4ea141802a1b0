package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin isolation with the real {@code ./dso agent}: a plugins directory holding the shipped plugins,
 * a plugin whose only jar is garbage bytes and a plugin whose factory throws when the provider is
 * created. The agent starts, reports both naming their directories, and still serves a secret of the
 * built-in local provider into a real container.
 */
@Tag("docker")
@Tag("e2e")
class BrokenPluginIT {
  @TempDir Path dir;

  @Test
  void brokenPluginsAreReportedAndTheOtherProvidersKeepServing() throws Exception {
    Path plugins = dir.resolve("plugins");
    copyTree(AgentProcess.repoRoot().resolve("dist/plugins"), plugins);
    Path garbage = plugins.resolve("garbage");
    Files.createDirectories(garbage);
    byte[] junk = new byte[4096];
    new Random(42).nextBytes(junk);
    Files.write(garbage.resolve("garbage.jar"), junk);
    Path thrower = plugins.resolve("thrower");
    buildThrowingPlugin(thrower.resolve("thrower.jar"));

    String tag = UUID.randomUUID().toString().substring(0, 8);
    String secret = "e2e-" + tag + "/ok";
    String value = "CANARY-iso-" + UUID.randomUUID();
    Files.writeString(dir.resolve("secrets.json"), "{\"%s\": {\"API_TOKEN\": \"%s\"}}".formatted(secret, value));
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        providers:
          files: { type: local, config: { path: secrets.json } }
          boom: { type: thrower }
        agent:
          watch: { polling_interval: 1s }
          restart_strategy: { grace_period: 2s }
        secrets:
          - { name: %s, provider: files, inject: env }
          - { name: e2e-%s/never, provider: boom, inject: env }
        """.formatted(secret, tag));

    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    try (DockerCli docker = new DockerCli();
        AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", docker.host),
            "--plugins-dir", plugins.toString())) {
      agent.awaitMetrics(Duration.ofSeconds(90));
      String app = docker.name("iso");
      docker.runDetached(app, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + secret),
          DockerCli.BUSYBOX, "sleep", "3600");
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(app)).containsEntry("API_TOKEN", value));
      assertThat(agent.alive()).isTrue();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(AgentProcess.get(metricsPort, "/metrics").body())
              .contains("dso_provider_errors_total{provider=\"boom\""));
      agent.terminate();
    }
    String logs = Files.readString(dir.resolve("stdout.log"), StandardCharsets.UTF_8)
        + Files.readString(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
    assertThat(logs).contains("plugin problem").contains(garbage.toString());
    assertThat(logs).contains("provider 'boom'").contains("could not be created").contains(thrower.toString());
    // the shipped plugins loaded from the copied directory without complaint
    try (Stream<Path> shipped = Files.list(AgentProcess.repoRoot().resolve("dist/plugins"))) {
      for (Path p : shipped.toList()) {
        assertThat(logs).doesNotContain("plugin " + plugins.resolve(p.getFileName()) + ":");
      }
    }
    for (String log : List.of("stdout.log", "stderr.log", "audit.log")) {
      assertThat(Files.readString(dir.resolve(log), StandardCharsets.UTF_8)).as(log).doesNotContain(value);
    }
  }

  /** A plugin that loads and validates fine but whose factory throws in create(): a provider that cannot start. */
  private static void buildThrowingPlugin(Path jar) throws IOException {
    Path work = Files.createTempDirectory(jar.getParent().getParent().getParent(), "thrower-src");
    Path src = work.resolve("thrower/Factory.java");
    Path classes = work.resolve("classes");
    Files.createDirectories(src.getParent());
    Files.createDirectories(classes);
    Files.writeString(src, """
        package thrower;
        import io.dso.provider.*;
        import java.util.List;
        import java.util.Map;
        public final class Factory implements SecretProviderFactory {
          @Override public String type() { return "thrower"; }
          @Override public List<String> validate(Map<String, Object> config) { return List.of(); }
          @Override public SecretProvider create(ProviderContext context) {
            throw new IllegalStateException("thrower refuses to start");
          }
        }
        """);
    String classPath;
    try (Stream<Path> lib = Files.list(AgentProcess.repoRoot().resolve("dist/lib"))) {
      classPath = String.join(File.pathSeparator, lib.map(Path::toString).toList());
    }
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics,
        "-proc:none", "--release", "21", "-cp", classPath, "-d", classes.toString(), src.toString());
    assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
      jos.putNextEntry(new JarEntry("thrower/Factory.class"));
      jos.write(Files.readAllBytes(classes.resolve("thrower/Factory.class")));
      jos.closeEntry();
      jos.putNextEntry(new JarEntry("META-INF/services/io.dso.provider.SecretProviderFactory"));
      jos.write("thrower.Factory\n".getBytes(StandardCharsets.UTF_8));
      jos.closeEntry();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
