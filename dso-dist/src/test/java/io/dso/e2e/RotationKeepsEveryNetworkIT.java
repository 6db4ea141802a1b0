package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.RigResources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container on two internal networks comes back from its first injection and from a rotation on both,
 * with the same aliases, its fixed address and its link, and is reachable at that address. A fixed
 * address turns an explicit rolling into a restart-style hand-over, said in the decision record.
 */
@Tag("docker")
class RotationKeepsEveryNetworkIT {
  /** httpd on every address of the container, so that a peer can reach it over each network. */
  private static final String[] SERVE = {"sh", "-c",
      "mkdir -p /www; echo up >/www/index.html; httpd -f -p 8081 -h /www & trap 'exit 0' TERM INT; wait"};

  @TempDir Path dir;
  private RotationFixture fx;
  /** Unique per run: agents of other tests on the same daemon must not take these containers for theirs. */
  private String secret;
  private RigResources res;

  @BeforeEach
  void setUp() {
    fx = new RotationFixture(dir);
    secret = "every-network/" + fx.suffix;
    res = new RigResources(new DockerCli(fx.host));
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    fx.close();
    res.close();
  }

  @Test
  void everyNetworkAliasFixedAddressAndLinkSurvivesTheFirstInjectionAndARotation() throws Exception {
    RigResources.Network front = res.internalNetwork(fx.name("front"));
    RigResources.Network back = res.internalNetwork(fx.name("back"));
    String peer = fx.name("peer");
    fx.runDetached(peer, List.of("--network", front.name(), "--init"), RotationFixture.BUSYBOX, "sleep", "3600");
    String fixed = fx.name("net-fixed");
    String dynamic = fx.name("net-dynamic");
    fx.secret(secret, Map.of("TOKEN", "v1"));
    for (String n : List.of(fixed, dynamic)) {
      List<String> create = new ArrayList<>(List.of("create", "--name", n, "--init", "--network", front.name(),
          "--network-alias", "web-" + n, "--label", "dso.reloader=true", "--label", "dso.secrets=" + secret,
          "--label", "dso.update.strategy=rolling"));
      if (n.equals(fixed)) {
        create.addAll(List.of("--link", peer + ":pp"));
      }
      create.add(RotationFixture.BUSYBOX);
      create.addAll(List.of(SERVE));
      fx.ok(create.toArray(String[]::new));
      if (n.equals(fixed)) {
        fx.ok("network", "connect", "--alias", "api-" + n, "--ip", back.ip(20), back.name(), n);
      } else {
        fx.ok("network", "connect", "--alias", "api-" + n, back.name(), n);
      }
      fx.ok("start", n);
    }
    String probe = fx.name("probe");
    fx.runDetached(probe, List.of("--network", back.name(), "--init"), RotationFixture.BUSYBOX, "sleep", "3600");
    List<String> fixedIds = new ArrayList<>(List.of(fx.id(fixed)));

    Path config = fx.config("rolling", 2, """
        - name: %s
          inject: env
          rotation: true
        """.formatted(secret));
    try (AgentProcess agent = fx.start(config, Map.of())) {
      awaitToken(List.of(fixed, dynamic), "v1");
      assertNetworks(fixed, front, back, true);
      assertNetworks(dynamic, front, back, false);
      fixedIds.add(fx.id(fixed));
      String dynamicId = fx.id(dynamic);

      fx.secret(secret, Map.of("TOKEN", "v2"));
      awaitToken(List.of(fixed, dynamic), "v2");
      assertNetworks(fixed, front, back, true);
      assertNetworks(dynamic, front, back, false);
      assertThat(fx.id(dynamic)).isNotEqualTo(dynamicId);

      // reachable at its fixed address over the second network, and by the other one's address
      String dynamicBackIp = fx.inspect(dynamic).path("NetworkSettings").path("Networks").path(back.name()).path("IPAddress").asText();
      for (String ip : List.of(back.ip(20), dynamicBackIp)) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
            assertThat(fx.ok("exec", probe, "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 " + ip + " 8081"))
                .startsWith("HTTP/1.1 200").endsWith("\nup"));
      }

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(fx.audit("secret_rotate", fx.id(fixed))).singleElement()
            .satisfies(r -> assertThat(r.path("strategy").asText()).isEqualTo("restart"));
        assertThat(fx.audit("secret_rotate", fx.id(dynamic))).singleElement()
            .satisfies(r -> assertThat(r.path("strategy").asText()).isEqualTo("rolling"));
      });
      List<String> shortIds = fixedIds.stream().map(id -> id.substring(0, 12)).toList();
      List<JsonNode> decisions = fx.audit("strategy_decision");
      assertThat(decisions).filteredOn(d -> shortIds.contains(d.path("container_id").asText()))
          .hasSize(2)
          .allSatisfy(d -> {
            assertThat(d.path("requested").asText()).isEqualTo("rolling");
            assertThat(d.path("strategy").asText()).isEqualTo("restart");
            assertThat(d.path("reasons").asText()).contains("fixed address " + back.name() + "=" + back.ip(20) + " (restart)");
          });
      assertThat(decisions).as("a rolling rotation without fixed addresses needs no decision")
          .noneMatch(d -> d.path("container_id").asText().equals(dynamicId.substring(0, 12)));
      fx.assertSingleRunning(fixed);
      fx.assertSingleRunning(dynamic);
      agent.terminate();
    }
  }

  private void awaitToken(List<String> names, String token) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (String n : names) {
        JsonNode c = fx.inspect(n);
        assertThat(RotationFixture.env(c)).as(n).containsEntry("TOKEN", token);
        assertThat(c.path("State").path("Running").asBoolean()).as(n + " running").isTrue();
        assertThat(fx.family(n)).as(n + " alone").containsExactly(n + " running");
      }
    });
  }

  private void assertNetworks(String name, RigResources.Network front, RigResources.Network back, boolean fixed) {
    JsonNode c = fx.inspect(name);
    String shortId = c.path("Id").asText().substring(0, 12);
    JsonNode nets = c.path("NetworkSettings").path("Networks");
    assertThat(nets.properties()).extracting(Map.Entry::getKey).as("%s networks", name)
        .containsExactlyInAnyOrder(front.name(), back.name());
    assertThat(c.path("HostConfig").path("NetworkMode").asText()).isEqualTo(front.name());
    assertThat(aliases(nets.path(front.name()))).containsExactlyInAnyOrder("web-" + name, shortId);
    assertThat(aliases(nets.path(back.name()))).containsExactlyInAnyOrder("api-" + name, shortId);
    if (fixed) {
      assertThat(nets.path(back.name()).path("IPAMConfig").path("IPv4Address").asText()).isEqualTo(back.ip(20));
      assertThat(nets.path(back.name()).path("IPAddress").asText()).isEqualTo(back.ip(20));
      assertThat(nets.path(front.name()).path("Links").toString()).contains(":pp");
    } else {
      assertThat(nets.path(back.name()).path("IPAMConfig").path("IPv4Address").asText()).isEmpty();
    }
  }

  private static List<String> aliases(JsonNode endpoint) {
    List<String> out = new ArrayList<>();
    endpoint.path("Aliases").forEach(a -> out.add(a.asText()));
    return out;
  }
}
