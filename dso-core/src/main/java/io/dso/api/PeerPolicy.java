package io.dso.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.OptionalInt;

/**
 * Who the socket serves: root, the agent's own user, and members of the socket group ({@code dso})
 * by primary or supplementary membership. The socket file's mode already keeps others out; this is
 * the second lock, and the one that names the caller in the audit log.
 */
final class PeerPolicy {
  /** The group whose members the socket serves. */
  static final String GROUP = "dso";

  private final Accounts accounts;
  private final int ownUid;
  private final String ownName;
  private final String group;

  PeerPolicy(Accounts accounts, int ownUid, String ownName, String group) {
    this.accounts = accounts;
    this.ownUid = ownUid;
    this.ownName = ownName;
    this.group = group;
  }

  /** The policy of this process: its own uid and name, the host's accounts, group {@code dso}. */
  static PeerPolicy forThisProcess(Accounts accounts, int ownUid) {
    String own;
    try {
      UserPrincipal owner = Files.getOwner(Path.of("/proc/self"));
      own = owner.getName();
    } catch (java.io.IOException | UnsupportedOperationException e) {
      own = null;
    }
    return new PeerPolicy(accounts, ownUid, own, GROUP);
  }

  /**
   * The peer from the names the JDK gives for SO_PEERCRED: it shows a uid without an account as its
   * number, which is how {@code uid:<n>} is told apart from a name.
   */
  Peer identify(String userName, String groupName) {
    OptionalInt uid = accounts.uid(userName);
    if (uid.isPresent()) {
      return new Peer(userName, uid.getAsInt(), groupName);
    }
    if (userName.matches("[0-9]{1,10}")) {
      int n = Integer.parseInt(userName);
      return new Peer(accounts.named(n) ? userName : null, n, groupName);
    }
    // A name from NSS (LDAP, sssd) that /etc/passwd does not list: judged by name.
    return new Peer(userName, -1, groupName);
  }

  /** Whether the peer is served. */
  boolean allows(Peer peer) {
    if (peer.uid() == 0 || "root".equals(peer.name())) {
      return true;
    }
    if (peer.uid() == ownUid || (peer.name() != null && peer.name().equals(ownName))) {
      return true;
    }
    if (group.equals(peer.group())) {
      return true;
    }
    return peer.name() != null && accounts.member(peer.name(), group);
  }

  /** The one-line refusal a peer that is not served gets. */
  String refusal(Peer peer) {
    return "permission denied: " + peer.auditUser() + " may not use this agent's socket; run as root or as the"
        + " agent's user, or join group " + group + " (usermod -aG " + group + " " + (peer.name() != null ? peer.name() : "$USER") + ")";
  }
}
