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

/** The auto strategy's score table: 100 minus the risks; >= 70 rolling, else restart. */
class StrategyDecisionTest {
  private static final ContainerDetails.Mount VAR_LIB =
      new ContainerDetails.Mount("volume", "data", "/var/lib/app", true);
  private static final ContainerDetails.Mount TMP = new ContainerDetails.Mount("tmpfs", "", "/tmp", true);

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
        Arguments.of("bold_turing", "busybox:1", false, "no", true, List.of(VAR_LIB), 80, "rolling", List.of("volume under /var/lib (-20)")),
        // a stateful image with a /var/lib volume loses the 20 points once, not twice
        Arguments.of("bold_turing", "docker.io/library/redis:7", false, "no", true, List.of(VAR_LIB), 80, "rolling", List.of("stateful image (-20)")),
        // the threshold is inclusive: exactly 70 still rolls
        Arguments.of("api", "busybox:1", false, "no", false, List.of(), 70, "rolling", List.of("explicit name (-20)", "no HEALTHCHECK (-10)")),
        Arguments.of("api", "busybox:1", false, "always", true, List.of(), 60, "restart", List.of("explicit name (-20)", "restart policy always (-20)")),
        Arguments.of("api", "busybox:1", false, "no", false, List.of(VAR_LIB), 50, "restart",
            List.of("explicit name (-20)", "no HEALTHCHECK (-10)", "volume under /var/lib (-20)")),
        Arguments.of("db", "mysql:8", true, "always", false, List.of(VAR_LIB), -20, "restart",
            List.of("fixed host port (-50)", "explicit name (-20)", "restart policy always (-20)", "no HEALTHCHECK (-10)", "stateful image (-20)")));
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
}
