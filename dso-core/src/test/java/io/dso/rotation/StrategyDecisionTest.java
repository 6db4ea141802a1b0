package io.dso.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.docker.ContainerDetails;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The auto strategy's score table (100 minus the risks; >= 70 rolling, else restart) and the rules that
 * override it: a fixed address or data shared by two running copies always gets restart.
 */
class StrategyDecisionTest {
  private static final ContainerDetails.Mount VAR_LIB =
      new ContainerDetails.Mount("volume", "data", "/var/lib/app", true);
  private static final ContainerDetails.Mount VAR_LIB_RO =
      new ContainerDetails.Mount("volume", "data", "/var/lib/app", false);
  private static final ContainerDetails.Mount TMP = new ContainerDetails.Mount("tmpfs", "", "/tmp", true);
  private static final String SHARED = "shared data /var/lib/app (restart)";

  /** A container built by hand: only the scored properties vary. */
  static ContainerDetails container(
      String name, String image, boolean fixedPort, String restart, boolean healthcheck, List<ContainerDetails.Mount> mounts) {
    return new ContainerDetails("0123456789abcdef", name, image, Map.of(), List.of(), "running", true,
        healthcheck ? "healthy" : null, healthcheck, mounts, restart, true, "none", Instant.EPOCH, fixedPort);
  }

  static List<Arguments> table() {
    return List.of(
        // name, image, fixed port, restart, HEALTHCHECK, mounts -> score, strategy, reason fragments
        Arguments.of("bold_turing", "busybox:1", false, "no", true, List.of(), 100, "rolling", List.of()),
        Arguments.of("proj-web-1", "busybox:1", false, "no", true, List.of(TMP), 100, "rolling", List.of()),
        Arguments.of("bold_turing", "busybox:1", true, "no", true, List.of(), 50, "restart", List.of("fixed host port (-50)")),
        Arguments.of("api", "busybox:1", false, "no", true, List.of(), 80, "rolling", List.of("explicit name (-20)")),
        Arguments.of("bold_turing", "busybox:1", false, "always", true, List.of(), 80, "rolling", List.of("restart policy always (-20)")),
        Arguments.of("bold_turing", "busybox:1", false, "unless-stopped", true, List.of(), 100, "rolling", List.of()),
        Arguments.of("bold_turing", "busybox:1", false, "no", false, List.of(), 90, "rolling", List.of("no HEALTHCHECK (-10)")),
        Arguments.of("bold_turing", "postgres:16", false, "no", true, List.of(), 80, "rolling", List.of("stateful image (-20)")),
        Arguments.of("bold_turing", "busybox:1", false, "no", true, List.of(VAR_LIB_RO), 80, "rolling", List.of("volume under /var/lib (-20)")),
        // a writable volume would be opened by two running copies: restart whatever the score
        Arguments.of("bold_turing", "busybox:1", false, "no", true, List.of(VAR_LIB), 80, "restart",
            List.of("volume under /var/lib (-20)", SHARED)),
        // a stateful image with a /var/lib volume loses the 20 points once, not twice
        Arguments.of("bold_turing", "docker.io/library/redis:7", false, "no", true, List.of(VAR_LIB_RO), 80, "rolling", List.of("stateful image (-20)")),
        // the threshold is inclusive: exactly 70 still rolls
        Arguments.of("api", "busybox:1", false, "no", false, List.of(), 70, "rolling", List.of("explicit name (-20)", "no HEALTHCHECK (-10)")),
        Arguments.of("api", "busybox:1", false, "always", true, List.of(), 60, "restart", List.of("explicit name (-20)", "restart policy always (-20)")),
        Arguments.of("api", "busybox:1", false, "no", false, List.of(VAR_LIB), 50, "restart",
            List.of("explicit name (-20)", "no HEALTHCHECK (-10)", "volume under /var/lib (-20)", SHARED)),
        Arguments.of("db", "mysql:8", true, "always", false, List.of(VAR_LIB), -20, "restart",
            List.of("fixed host port (-50)", "explicit name (-20)", "restart policy always (-20)", "no HEALTHCHECK (-10)",
                "stateful image (-20)", SHARED)));
  }

  @ParameterizedTest(name = "{0} {1} port={2} restart={3} hc={4} -> {6} {7}")
  @MethodSource("table")
  void scoresAsSpecified(String name, String image, boolean fixedPort, String restart, boolean hc,
      List<ContainerDetails.Mount> mounts, int score, String strategy, List<String> reasons) {
    StrategyDecision d = StrategyDecision.of(container(name, image, fixedPort, restart, hc, mounts));
    assertThat(d.score()).isEqualTo(score);
    assertThat(d.strategy()).isEqualTo(strategy);
    assertThat(d.reasons()).hasSameSizeAs(reasons);
    for (int i = 0; i < reasons.size(); i++) {
      assertThat(d.reasons().get(i)).startsWith(reasons.get(i));
    }
  }

  @Test
  void reasonsAreImmutable() {
    StrategyDecision d = StrategyDecision.of(container("api", "busybox:1", true, "no", true, List.of()));
    assertThat(d.reasons()).isUnmodifiable();
  }

  /** A generated name, a HEALTHCHECK, nothing else that costs points: only the override rules can say restart. */
  private static ContainerDetails plain(List<ContainerDetails.Mount> mounts, List<ContainerDetails.Network> networks, String mac) {
    return new ContainerDetails("0123456789abcdef", "proj_web_1", "busybox:1", Map.of(), List.of(), "running", true,
        "healthy", true, mounts, "no", true, "proj_front", Instant.EPOCH, false, networks, mac);
  }

  private static ContainerDetails.Network net(String name, String ipv4, String ipv6) {
    return new ContainerDetails.Network(name, List.of("web"), ipv4, ipv6);
  }

  @Test
  void writableVolumesAndBindsOfDataGiveRestartWhateverTheScore() {
    var anonymous = new ContainerDetails.Mount("volume", "/var/lib/docker/volumes/4f1e/_data", "/data", true);
    var hostDir = new ContainerDetails.Mount("bind", "/srv/app", "/srv", true);
    for (var m : List.of(anonymous, hostDir)) {
      StrategyDecision d = StrategyDecision.of(plain(List.of(m), List.of(), ""));
      assertThat(d.score()).isEqualTo(100);
      assertThat(d.strategy()).isEqualTo("restart");
      assertThat(d.reasons()).singleElement().asString().startsWith("shared data " + m.destination() + " (restart)");
    }
  }

  @Test
  void readOnlyMountsTmpfsSocketsAndKernelFileSystemsAreNotSharedData() {
    List<ContainerDetails.Mount> harmless = List.of(
        new ContainerDetails.Mount("volume", "/v", "/config", false),
        new ContainerDetails.Mount("bind", "/srv/static", "/static", false),
        new ContainerDetails.Mount("tmpfs", "", "/scratch", true),
        new ContainerDetails.Mount("bind", "/var/run/docker.sock", "/var/run/docker.sock", true),
        new ContainerDetails.Mount("bind", "/dev/fuse", "/dev/fuse", true),
        new ContainerDetails.Mount("bind", "/sys/fs/cgroup", "/sys/fs/cgroup", true));
    StrategyDecision d = StrategyDecision.of(plain(harmless, List.of(), ""));
    assertThat(d.strategy()).isEqualTo("rolling");
    assertThat(d.reasons()).isEmpty();
  }

  @Test
  void aFixedAddressOnAnyNetworkOrAUserSetMacGivesRestart() {
    var fixedOnSecond = List.of(net("proj_front", "", ""), net("proj_back", "172.31.72.20", ""));
    StrategyDecision ip = StrategyDecision.of(plain(List.of(), fixedOnSecond, ""));
    assertThat(ip.strategy()).isEqualTo("restart");
    assertThat(ip.score()).isEqualTo(100);
    assertThat(ip.reasons()).singleElement().asString().startsWith("fixed address proj_back=172.31.72.20 (restart)");

    StrategyDecision v6 = StrategyDecision.of(plain(List.of(), List.of(net("proj_front", "", "fd00::20")), ""));
    assertThat(v6.reasons()).singleElement().asString().startsWith("fixed address proj_front=fd00::20 (restart)");

    StrategyDecision mac = StrategyDecision.of(plain(List.of(), List.of(net("proj_front", "", "")), "02:42:ac:11:00:99"));
    assertThat(mac.strategy()).isEqualTo("restart");
    assertThat(mac.reasons()).singleElement().asString().startsWith("fixed address mac=02:42:ac:11:00:99 (restart)");

    StrategyDecision assigned = StrategyDecision.of(plain(List.of(), List.of(net("proj_front", "", "")), ""));
    assertThat(assigned.strategy()).isEqualTo("rolling");
  }

  @Test
  void explicitRollingBecomesRestartForAFixedAddressAndIsWarnedAboutForSharedData() {
    var volume = List.of(new ContainerDetails.Mount("volume", "pgdata", "/data", true));
    var fixed = List.of(net("proj_front", "172.31.71.10", ""));

    StrategyDecision overridden = StrategyDecision.checkExplicit(plain(volume, fixed, ""), "rolling").orElseThrow();
    assertThat(overridden.strategy()).isEqualTo("restart");
    assertThat(overridden.requested()).isEqualTo("rolling");
    assertThat(overridden.scored()).isFalse();
    assertThat(overridden.reasons()).singleElement().asString().startsWith("fixed address proj_front=172.31.71.10");

    StrategyDecision warned = StrategyDecision.checkExplicit(plain(volume, List.of(), ""), "rolling").orElseThrow();
    assertThat(warned.strategy()).isEqualTo("rolling");
    assertThat(warned.warning()).startsWith("rolling with shared data /data:");

    assertThat(StrategyDecision.checkExplicit(plain(List.of(), List.of(), ""), "rolling")).isEmpty();
    assertThat(StrategyDecision.checkExplicit(plain(volume, fixed, ""), "restart")).isEmpty();
    assertThat(StrategyDecision.checkExplicit(plain(volume, fixed, ""), "signal")).isEmpty();
    assertThat(StrategyDecision.of(plain(List.of(), List.of(), "")).warning()).isEmpty();
  }
}
