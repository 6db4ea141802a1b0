package io.dso.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who the unix socket serves, judged from account files written by the test. */
class PeerPolicyTest {
  @TempDir Path dir;
  private Path passwd;
  private Path group;
  private PeerPolicy policy;

  @BeforeEach
  void accounts() throws Exception {
    passwd = dir.resolve("passwd");
    group = dir.resolve("group");
    Files.writeString(passwd, """
        root:x:0:0:root:/root:/bin/bash
        agent:x:900:900::/home/agent:/bin/sh
        alice:x:1001:1001::/home/alice:/bin/sh
        bob:x:1002:1002::/home/bob:/bin/sh
        carol:x:1003:1500::/home/carol:/bin/sh
        """);
    Files.writeString(group, """
        root:x:0:
        agent:x:900:
        alice:x:1001:
        bob:x:1002:
        dso:x:1500:bob
        """);
    policy = new PeerPolicy(new Accounts(passwd, group), 900, "agent", "dso");
  }

  @Test
  void rootAndTheAgentsOwnUserAreServed() {
    assertThat(policy.allows(policy.identify("root", "root"))).isTrue();
    assertThat(policy.allows(policy.identify("agent", "agent"))).isTrue();
  }

  @Test
  void aUserOutsideTheGroupIsRefusedAndNamedInTheRefusal() {
    Peer alice = policy.identify("alice", "alice");
    assertThat(policy.allows(alice)).isFalse();
    assertThat(alice.auditUser()).isEqualTo("alice");
    assertThat(alice.uid()).isEqualTo(1001);
    assertThat(policy.refusal(alice)).contains("alice").contains("usermod -aG dso alice").doesNotContain("\n");
  }

  @Test
  void aSupplementaryMemberOfGroupDsoIsServed() {
    assertThat(policy.allows(policy.identify("bob", "bob"))).isTrue();
  }

  @Test
  void aUserWhosePrimaryGroupIsDsoIsServed() {
    assertThat(policy.allows(policy.identify("carol", "carol"))).isTrue();
  }

  @Test
  void aProcessRunningWithGroupDsoIsServed() {
    assertThat(policy.allows(policy.identify("alice", "dso"))).isTrue();
  }

  @Test
  void aUidWithoutAnAccountIsAuditedAsUidN() {
    Peer p = policy.identify("4242", "4242");
    assertThat(p.auditUser()).isEqualTo("uid:4242");
    assertThat(p.uid()).isEqualTo(4242);
    assertThat(policy.allows(p)).isFalse();
  }

  @Test
  void joiningTheGroupTakesEffectAtTheNextCallWithoutARestart() throws Exception {
    Peer alice = policy.identify("alice", "alice");
    assertThat(policy.allows(alice)).isFalse();
    Files.writeString(group, Files.readString(group).replace("dso:x:1500:bob", "dso:x:1500:bob,alice"));
    assertThat(policy.allows(alice)).isTrue();
  }

  @Test
  void withoutAGroupDsoOnlyRootAndTheAgentsUserAreServed() throws Exception {
    Files.writeString(group, "root:x:0:\n");
    assertThat(policy.allows(policy.identify("bob", "bob"))).isFalse();
    assertThat(policy.allows(policy.identify("carol", "carol"))).isFalse();
    assertThat(policy.allows(policy.identify("root", "root"))).isTrue();
  }
}
