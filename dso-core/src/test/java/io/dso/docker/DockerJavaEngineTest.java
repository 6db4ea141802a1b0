package io.dso.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Link;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.RestartPolicy;
import io.dso.testing.RigResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("docker")
class DockerJavaEngineTest {
  private RigContainers rig;
  private DockerJavaEngine engine;

  @BeforeEach
  void setUp() {
    rig = new RigContainers();
    engine = rig.engine;
  }

  @AfterEach
  void tearDown() {
    rig.close();
  }

  @Test
  void cloneKeepsNameLabelsHealthcheckRestartPolicyInitMountsAndAppliesEnvAndBind() throws IOException {
    Path data = RigContainers.tempDir("dso-data");
    Files.writeString(data.resolve("kept.txt"), "kept\n");
    Path oldSecrets = RigContainers.tempDir("dso-old");
    Path secrets = RigContainers.tempDir("dso-secrets");
    String canary = "canary-" + UUID.randomUUID();
    Files.writeString(secrets.resolve("token"), canary + "\n");
    String source = rig.name("src");
    String clone = rig.name("src_dso_new");
    rig.create(source, RigContainers.HEALTHY, cmd -> cmd
        .withLabels(Map.of("app", "web", "drop.me", "x", "dso.reloader", "true"))
        .withEnv("FOO=old", "BAR=keep")
        .withStopSignal("SIGTERM")
        .withStopTimeout(3)
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withInit(true)
            .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
            .withBinds(Bind.parse(data + ":/data:ro"))
            .withMounts(List.of(
                new Mount().withType(MountType.TMPFS).withTarget("/scratch"),
                new Mount().withType(MountType.BIND).withSource(oldSecrets.toString())
                    .withTarget("/run/secrets").withReadOnly(false)))));

    long t0 = System.nanoTime();
    String id = engine.createClone(source, clone, new ContainerChange(
        Map.of("FOO", "new", "DSO_CANARY", canary), Map.of("app", "web2", "dso.version", "v2"),
        Set.of("drop.me"), List.of(new ContainerChange.BindMount(secrets.toString(), "/run/secrets", true))));

    ContainerDetails d = engine.inspect(clone).orElseThrow();
    assertThat(d.id()).isEqualTo(id);
    assertThat(d.name()).isEqualTo(clone);
    assertThat(d.image()).isEqualTo(RigContainers.HEALTHY);
    assertThat(d.labels()).containsEntry("app", "web2").containsEntry("dso.version", "v2")
        .containsEntry("dso.reloader", "true").doesNotContainKey("drop.me");
    assertThat(d.env()).contains("FOO=new", "BAR=keep", "DSO_CANARY=" + canary).doesNotContain("FOO=old");
    assertThat(d.env().stream().filter(e -> e.startsWith("FOO="))).hasSize(1);
    assertThat(d.hasHealthcheck()).isTrue();
    assertThat(d.restartPolicy()).isEqualTo("unless-stopped");
    assertThat(d.init()).isTrue();
    assertThat(d.networkMode()).isEqualTo("none");
    assertThat(d.mounts()).contains(
        new ContainerDetails.Mount("bind", data.toString(), "/data", false),
        new ContainerDetails.Mount("bind", secrets.toString(), "/run/secrets", false));
    assertThat(d.mounts()).filteredOn(m -> m.destination().equals("/scratch"))
        .singleElement().extracting(ContainerDetails.Mount::type).isEqualTo("tmpfs");
    assertThat(d.mounts()).filteredOn(m -> m.destination().equals("/run/secrets")).hasSize(1);
    var typed = engine.client().inspectContainerCmd(clone).exec();
    assertThat(ContainerMapping.raw(typed, "Config", "StopSignal")).isEqualTo("SIGTERM");
    assertThat(ContainerMapping.raw(typed, "Config", "StopTimeout")).isEqualTo(3);
    assertThat(typed.getConfig().getHostName()).isNotEqualTo(engine.inspect(source).orElseThrow().shortId());
    assertThat(typed.getConfig().getCmd()).isEqualTo(
        engine.client().inspectContainerCmd(source).exec().getConfig().getCmd());

    engine.start(clone);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> "healthy".equals(engine.inspect(clone).orElseThrow().health()));
    System.out.printf("clone create+start until healthy: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(rig.exec(clone, "sh", "-c", "echo $DSO_CANARY; cat /run/secrets/token; cat /data/kept.txt"))
        .isEqualTo(canary + "\n" + canary + "\nkept\n");
    assertThat(rig.exec(clone, "sh", "-c", "touch /run/secrets/x 2>&1 || echo read-only")).contains("read-only");
  }

  @Test
  void cloneTakesOverAnonymousVolumesAndJoinsEveryNetworkWithAliasesFixedAddressesLinksAndMac() throws Exception {
    RigResources res = new RigResources(rig.cli());
    try {
      RigResources.Network front = res.internalNetwork(rig.name("front"));
      RigResources.Network back = res.internalNetwork(rig.name("back"));
      String image = RigResources.volumeImage(rig.cli());
      String peer = rig.name("peer");
      rig.create(peer, RigContainers.BUSYBOX, cmd -> cmd.withCmd("sleep", "3600")
          .withHostConfig(HostConfig.newHostConfig().withNetworkMode(front.name()).withInit(true)));
      engine.start(peer);
      String source = rig.name("vsrc");
      String clone = rig.name("vsrc_dso_new");
      // httpd on every address, so that the clone's reachability on the second network can be checked
      rig.create(source, image, cmd -> cmd
          .withCmd("sh", "-c", "mkdir -p /www; echo up >/www/index.html; exec httpd -f -p 8081 -h /www")
          .withMacAddress("02:42:0a:00:00:99")
          .withAliases("web")
          .withIpv4Address(front.ip(10))
          .withHostConfig(HostConfig.newHostConfig().withNetworkMode(front.name()).withInit(true)
              .withLinks(new Link(peer, "pp"))));
      rig.cli().ok("network", "connect", "--alias", "api", "--ip", back.ip(20), back.name(), source);
      engine.start(source);
      rig.exec(source, "sh", "-c", "echo precious >/data/kept.txt");
      JsonNode before = rig.cli().inspect(source);
      String volume = before.path("Mounts").get(0).path("Name").asText();
      assertThat(before.path("Mounts").get(0).path("Destination").asText()).isEqualTo("/data");

      engine.createClone(source, clone, ContainerChange.NONE);
      JsonNode c = rig.cli().inspect(clone);
      assertThat(c.path("Mounts")).singleElement().satisfies(m -> {
        assertThat(m.path("Name").asText()).isEqualTo(volume);
        assertThat(m.path("Destination").asText()).isEqualTo("/data");
        assertThat(m.path("RW").asBoolean()).isTrue();
      });
      assertThat(c.path("Config").path("MacAddress").asText()).isEqualTo("02:42:0a:00:00:99");
      JsonNode nets = c.path("NetworkSettings").path("Networks");
      assertThat(nets.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder(front.name(), back.name());
      assertThat(nets.path(front.name()).path("Aliases").toString()).contains("\"web\"");
      assertThat(nets.path(front.name()).path("IPAMConfig").path("IPv4Address").asText()).isEqualTo(front.ip(10));
      assertThat(nets.path(front.name()).path("Links").toString()).contains(peer + ":pp");
      assertThat(nets.path(back.name()).path("Aliases").toString()).contains("\"api\"").doesNotContain(engine.inspect(source).orElseThrow().shortId());
      assertThat(nets.path(back.name()).path("IPAMConfig").path("IPv4Address").asText()).isEqualTo(back.ip(20));
      assertThat(engine.inspect(clone).orElseThrow().fixedAddresses())
          .containsExactly(front.name() + "=" + front.ip(10), back.name() + "=" + back.ip(20), "mac=02:42:0a:00:00:99");

      // the hand-over of a fixed address: the source stops (and goes, without its volume), then the clone starts
      engine.stop(source, Duration.ofSeconds(2));
      engine.remove(source, true);
      assertThat(rig.cli().run("volume", "inspect", volume).ok()).as("volume %s survives its first container", volume).isTrue();
      engine.start(clone);
      assertThat(rig.exec(clone, "cat", "/data/kept.txt")).isEqualTo("precious\n");
      JsonNode running = rig.cli().inspect(clone).path("NetworkSettings").path("Networks");
      assertThat(running.path(front.name()).path("IPAddress").asText()).isEqualTo(front.ip(10));
      assertThat(running.path(back.name()).path("IPAddress").asText()).isEqualTo(back.ip(20));
      assertThat(running.path(front.name()).path("MacAddress").asText()).isEqualTo("02:42:0a:00:00:99");
      String probe = rig.name("probe");
      rig.create(probe, RigContainers.BUSYBOX, cmd -> cmd.withCmd("sleep", "3600")
          .withHostConfig(HostConfig.newHostConfig().withNetworkMode(back.name()).withInit(true)));
      engine.start(probe);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(rig.exec(probe, "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 " + back.ip(20) + " 8081"))
              .startsWith("HTTP/1.1 200").endsWith("\nup\n"));
    } finally {
      rig.removeAll(); // networks in use cannot be removed
      res.close();
    }
  }

  @Test
  void stopRemoveRenameKillAreIdempotentWhereDocumented() {
    String name = rig.name("idem");
    String renamed = rig.name("idem-renamed");
    rig.create(name, RigContainers.BUSYBOX, cmd -> cmd.withCmd("sleep", "3600"));
    engine.start(name);
    engine.start(name); // already running: no-op
    engine.kill(name, "SIGWINCH"); // ignored by sleep: still running
    assertThat(engine.inspect(name).orElseThrow().running()).isTrue();

    engine.rename(name, renamed);
    engine.rename(renamed, renamed); // already named so: no-op
    assertThat(engine.inspect(name)).isEmpty();
    assertThat(engine.inspect(renamed)).isPresent();

    long t0 = System.nanoTime();
    engine.stop(renamed, Duration.ofSeconds(5));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4)); // init forwards TERM
    engine.stop(renamed, Duration.ofSeconds(5)); // already stopped: no-op
    assertThat(engine.inspect(renamed).orElseThrow().status()).isEqualTo("exited");

    assertThatThrownBy(() -> engine.kill(renamed, "SIGHUP"))
        .isInstanceOf(DockerOperationException.class)
        .hasMessageStartingWith("docker kill SIGHUP " + renamed + " failed: conflict (")
        .hasMessageContaining("is not running");

    engine.remove(renamed, false);
    engine.remove(renamed, false); // gone: no-op
    assertThat(engine.inspect(renamed)).isEmpty();
    assertThatThrownBy(() -> engine.stop(renamed, Duration.ofSeconds(1)))
        .isInstanceOf(DockerOperationException.class)
        .hasMessageContaining("not found (No such container: " + renamed + ")");
    assertThatThrownBy(() -> engine.rename(renamed, name))
        .isInstanceOf(DockerOperationException.class)
        .satisfies(e -> assertThat(((DockerOperationException) e).operation()).isEqualTo("rename"));
  }

  @Test
  void inspectOfMissingContainerIsEmpty() {
    assertThat(engine.inspect(rig.name("missing"))).isEmpty();
    assertThat(engine.inspect("0123456789ab0123456789ab")).isEmpty();
    assertThatThrownBy(() -> engine.createClone(rig.name("nosource"), rig.name("noclone"), ContainerChange.NONE))
        .isInstanceOf(DockerOperationException.class)
        .hasMessageContaining("no such container");
  }

  @Test
  void listReportsNamesWithoutSlashAndState() {
    String name = rig.name("listed");
    String id = rig.create(name, RigContainers.BUSYBOX, cmd -> cmd.withLabels(Map.of("dso.test", "1")));
    assertThat(engine.list(false)).noneMatch(c -> c.id().equals(id));
    assertThat(engine.list(true)).filteredOn(c -> c.id().equals(id)).singleElement()
        .satisfies(c -> {
          assertThat(c.name()).isEqualTo(name);
          assertThat(c.state()).isEqualTo("created");
          assertThat(c.labels()).containsEntry("dso.test", "1");
          assertThat(c.image()).isEqualTo(RigContainers.BUSYBOX);
        });
  }

  @Test
  void healthStatusIsReported() {
    String good = rig.name("hc");
    String bad = rig.name("unhealthy");
    String none = rig.name("nohc");
    String disabled = rig.name("hc-disabled");
    rig.create(good, RigContainers.HEALTHY, cmd -> cmd);
    rig.create(bad, RigContainers.UNHEALTHY, cmd -> cmd);
    rig.create(none, RigContainers.BUSYBOX, cmd -> cmd.withCmd("sleep", "3600"));
    rig.create(disabled, RigContainers.HEALTHY, cmd -> cmd.withHealthcheck(new HealthCheck().withTest(List.of("NONE"))));
    long t0 = System.nanoTime();
    List.of(good, bad, none, disabled).forEach(engine::start);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> "healthy".equals(engine.inspect(good).orElseThrow().health()));
    System.out.printf("hc image start until healthy: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> "unhealthy".equals(engine.inspect(bad).orElseThrow().health()));
    ContainerDetails plain = engine.inspect(none).orElseThrow();
    assertThat(plain.health()).isNull();
    assertThat(plain.hasHealthcheck()).isFalse();
    assertThat(plain.running()).isTrue();
    assertThat(plain.startedAt()).isNotNull().isBefore(java.time.Instant.now().plusSeconds(1));
    assertThat(engine.inspect(disabled).orElseThrow().hasHealthcheck()).isFalse();
    assertThat(engine.inspect(good).orElseThrow().hasHealthcheck()).isTrue();
  }
}
