package io.dso.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.docker.DockerJavaEngine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RotationRecovery} against the rig daemon: leftover states crafted by hand, with and without
 * a journal entry; every time exactly one running container is left under the name, and it is the
 * version the journal's step says (forward once the new container took over, else back).
 */
@Tag("docker")
class RotationRecoveryDockerTest {
  @TempDir Path state;
  private RigCli cli;
  private DockerJavaEngine docker;
  private RotationJournal journal;
  private RotationRecovery recovery;

  @BeforeEach
  void setUp() {
    cli = new RigCli();
    docker = new DockerJavaEngine(cli.host);
    journal = new RotationJournal(state, null);
    // Only this test's containers: a catch-all would break other runs' rotations on the shared rig.
    recovery = new RotationRecovery(docker, journal, c -> cli.owns(c.name()));
  }

  @AfterEach
  void tearDown() {
    cli.close();
    docker.close();
  }

  /** Exactly one container in the family: {@code name}, running, with id {@code expectedId}. */
  private void assertOnly(String name, String expectedId) {
    List<String> family = cli.family(name);
    assertThat(family).as("containers named %s*", name).hasSize(1);
    assertThat(family.getFirst()).startsWith(name + " running ");
    assertThat(cli.fullId(name)).isEqualTo(expectedId);
    assertThat(journal.pending()).isEmpty();
  }

  /** Only the listing of this test's containers: the rig daemon is shared with other test runs. */
  private List<String> fromNames(String base) {
    return recovery.fromNames(docker.list(true).stream().filter(c -> c.name().startsWith(base)).toList());
  }

  // ---- no journal: Docker's names are all there is ----

  @Test
  void nameAndNewLeftover_newGoes() {
    String x = cli.name("a");
    String old = cli.runHealthy(x);
    cli.runHealthy(x + "_dso_new");
    assertThat(fromNames(x)).hasSize(1);
    assertOnly(x, old);
  }

  @Test
  void nameStoppedAndNewLeftover_newGoesNameStartsAgain() {
    String x = cli.name("a2");
    String old = cli.runHealthy(x);
    cli.ok("stop", "-t", "1", x);
    cli.createHealthy(x + "_dso_new");
    fromNames(x);
    assertOnly(x, old);
  }

  @Test
  void oldAndNewLeftovers_previousVersionWins() {
    String x = cli.name("b");
    String old = cli.runHealthy(x + "_dso_old");
    cli.runHealthy(x + "_dso_new");
    fromNames(x);
    assertOnly(x, old);
  }

  @Test
  void oldLeftoverOnly_getsTheNameBackAndRuns() {
    String x = cli.name("c");
    String old = cli.createHealthy(x + "_dso_old");
    fromNames(x);
    assertOnly(x, old);
  }

  @Test
  void newLeftoverOnly_getsTheNameAndRuns() {
    String x = cli.name("d");
    String fresh = cli.createHealthy(x + "_dso_new");
    fromNames(x);
    assertOnly(x, fresh);
  }

  // ---- with a journal entry: its step decides forward or back ----

  private RotationJournal.Entry entry(String x, String strategy, String oldId, String newId, String step) {
    RotationJournal.Entry e = journal.begin(x, strategy, oldId, "t");
    return journal.step(e, step, newId);
  }

  @Test
  void rollingAfterStarted_rollsBack() {
    String x = cli.name("e");
    String old = cli.runHealthy(x);
    String fresh = cli.runHealthy(x + "_dso_new");
    entry(x, "rolling", old, fresh, "started");
    recovery.recover();
    assertOnly(x, old);
  }

  @Test
  void rollingAfterCreatedWithoutNewIdInJournal_rollsBackFindingTheCloneByName() {
    String x = cli.name("e2");
    String old = cli.runHealthy(x);
    cli.createHealthy(x + "_dso_new");
    journal.begin(x, "rolling", old, "t");
    recovery.recover();
    assertOnly(x, old);
  }

  @Test
  void rollingAfterRenamedOld_rollsForward() {
    String x = cli.name("f");
    String old = cli.runHealthy(x + "_dso_old");
    String fresh = cli.runHealthy(x + "_dso_new");
    entry(x, "rolling", old, fresh, "renamed_old");
    recovery.recover();
    assertOnly(x, fresh);
  }

  @Test
  void aCompletedRotationIsReportedWithTheSecretsItDelivers() {
    String x = cli.name("f2");
    String old = cli.runHealthy(x + "_dso_old");
    String fresh = cli.runHealthy(x + "_dso_new");
    journal.delivering(x, List.of("app/one", "app/two"));
    entry(x, "rolling", old, fresh, "renamed_old");
    List<String> reported = new java.util.ArrayList<>();
    new RotationRecovery(docker, journal, c -> cli.owns(c.name()),
        (e, serving) -> reported.add(e.container() + " " + e.secrets() + " " + serving)).recover();
    assertOnly(x, fresh);
    assertThat(reported).containsExactly(x + " [app/one, app/two] " + fresh);
  }

  @Test
  void aRolledBackRotationIsNotReportedAsCompleted() {
    String x = cli.name("e3");
    String old = cli.runHealthy(x);
    String fresh = cli.runHealthy(x + "_dso_new");
    journal.delivering(x, List.of("app/one"));
    entry(x, "rolling", old, fresh, "started");
    List<String> reported = new java.util.ArrayList<>();
    new RotationRecovery(docker, journal, c -> cli.owns(c.name()), (e, serving) -> reported.add(serving)).recover();
    assertOnly(x, old);
    assertThat(reported).isEmpty();
  }

  @Test
  void rollingAfterRenamedNew_rollsForward() {
    String x = cli.name("g");
    String old = cli.runHealthy(x + "_dso_old");
    String fresh = cli.runHealthy(x);
    entry(x, "rolling", old, fresh, "renamed_new");
    recovery.recover();
    assertOnly(x, fresh);
  }

  @Test
  void rollingAfterRemovedOld_justClearsTheJournal() {
    String x = cli.name("g2");
    String fresh = cli.runHealthy(x);
    entry(x, "rolling", "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef", fresh, "removed_old");
    recovery.recover();
    assertOnly(x, fresh);
  }

  @Test
  void restartAfterStoppedOld_rollsBackAndStartsTheOld() {
    String x = cli.name("h");
    String old = cli.runHealthy(x);
    cli.ok("stop", "-t", "1", x);
    String fresh = cli.createHealthy(x + "_dso_new");
    entry(x, "restart", old, fresh, "stopped_old");
    recovery.recover();
    assertOnly(x, old);
  }

  @Test
  void restartAfterRenamedNew_rollsBack() {
    String x = cli.name("i");
    String old = cli.createHealthy(x + "_dso_old");
    String fresh = cli.createHealthy(x);
    entry(x, "restart", old, fresh, "renamed_new");
    recovery.recover();
    assertOnly(x, old);
  }

  @Test
  void restartAfterStarted_rollsBackBeforeTheGatePassed() {
    String x = cli.name("k");
    String old = cli.createHealthy(x + "_dso_old");
    String fresh = cli.runHealthy(x);
    entry(x, "restart", old, fresh, "started");
    recovery.recover();
    assertOnly(x, old);
  }

  @Test
  void restartAfterHealthy_rollsForward() {
    String x = cli.name("j");
    String old = cli.createHealthy(x + "_dso_old");
    String fresh = cli.runHealthy(x);
    entry(x, "restart", old, fresh, "healthy");
    recovery.recover();
    assertOnly(x, fresh);
  }

  // ---- one half already gone (removed by hand, or by another agent's recovery): never remove the last one ----

  @Test
  void restartAfterStartedWithTheOldGone_keepsTheNewInsteadOfLeavingNothing() {
    String x = cli.name("l");
    String old = cli.createHealthy(x + "_dso_old");
    String fresh = cli.runHealthy(x);
    entry(x, "restart", old, fresh, "started");
    cli.ok("rm", "-f", old);
    recovery.recover();
    assertOnly(x, fresh);
  }

  @Test
  void rollingAfterRenamedOldWithTheNewGone_restoresTheOld() {
    String x = cli.name("m");
    String old = cli.runHealthy(x + "_dso_old");
    String fresh = cli.runHealthy(x + "_dso_new");
    entry(x, "rolling", old, fresh, "renamed_old");
    cli.ok("rm", "-f", fresh);
    recovery.recover();
    assertOnly(x, old);
  }
}
