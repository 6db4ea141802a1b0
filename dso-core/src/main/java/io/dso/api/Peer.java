package io.dso.api;

/**
 * The process at the other end of the unix socket, as the kernel reports it (SO_PEERCRED): its
 * user name (null when the uid has no account), uid ({@code -1} when only a name is known) and
 * the name of its primary group.
 */
record Peer(String name, int uid, String group) {
  /** The peer as written in audit records: its user name, or {@code uid:<n>} when the uid has no name. */
  String auditUser() {
    return name != null ? name : "uid:" + uid;
  }
}
