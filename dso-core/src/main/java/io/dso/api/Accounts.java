package io.dso.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * User and group names from {@code /etc/passwd} and {@code /etc/group}, the same files {@code id -G}
 * reads for local accounts. SO_PEERCRED names only the peer's primary group, so supplementary
 * membership comes from here. The files are parsed again only when their size or modification time
 * changes: one {@code stat} each per request, so {@code usermod -aG dso alice} takes effect at the
 * next call without restarting the agent.
 */
final class Accounts {
  /** What one parse of both files yielded. */
  private record Table(Map<String, Integer> uids, Set<Integer> namedUids, Map<String, Integer> primaryGid,
      Map<String, Integer> gids, Map<String, Set<String>> members, Object stamp) {}

  private final Path passwd;
  private final Path group;
  private volatile Table table;

  Accounts(Path passwd, Path group) {
    this.passwd = passwd;
    this.group = group;
  }

  /** The host's local account files. */
  static Accounts system() {
    return new Accounts(Path.of("/etc/passwd"), Path.of("/etc/group"));
  }

  /** The uid of a user name, empty when no local account has that name. */
  OptionalInt uid(String user) {
    Integer uid = current().uids().get(user);
    return uid == null ? OptionalInt.empty() : OptionalInt.of(uid);
  }

  /** Whether a local account has this uid. */
  boolean named(int uid) {
    return current().namedUids().contains(uid);
  }

  /** Whether {@code user} is in {@code groupName}: listed as a member, or with it as its primary group. */
  boolean member(String user, String groupName) {
    Table t = current();
    Integer gid = t.gids().get(groupName);
    if (gid == null) {
      return false;
    }
    return t.members().getOrDefault(groupName, Set.of()).contains(user) || gid.equals(t.primaryGid().get(user));
  }

  /** Whether a group with this name exists. */
  boolean groupExists(String groupName) {
    return current().gids().containsKey(groupName);
  }

  private Table current() {
    Object stamp = List.of(stamp(passwd), stamp(group));
    Table t = table;
    if (t == null || !t.stamp().equals(stamp)) {
      t = parse(stamp);
      table = t;
    }
    return t;
  }

  private static Object stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(a.size(), a.lastModifiedTime());
    } catch (IOException e) {
      return List.of(-1L, FileTime.fromMillis(0));
    }
  }

  private Table parse(Object stamp) {
    Map<String, Integer> uids = new HashMap<>();
    Set<Integer> named = new HashSet<>();
    Map<String, Integer> primary = new HashMap<>();
    for (String[] f : fields(passwd)) {
      // name:password:uid:gid:gecos:home:shell
      if (f.length >= 4 && number(f[2]) >= 0) {
        uids.putIfAbsent(f[0], number(f[2]));
        named.add(number(f[2]));
        primary.putIfAbsent(f[0], number(f[3]));
      }
    }
    Map<String, Integer> gids = new HashMap<>();
    Map<String, Set<String>> members = new HashMap<>();
    for (String[] f : fields(group)) {
      // name:password:gid:member,member
      if (f.length >= 3 && number(f[2]) >= 0) {
        gids.putIfAbsent(f[0], number(f[2]));
        Set<String> m = new HashSet<>();
        if (f.length >= 4 && !f[3].isBlank()) {
          m.addAll(List.of(f[3].trim().split(",")));
        }
        members.merge(f[0], m, (a, b) -> {
          a.addAll(b);
          return a;
        });
      }
    }
    return new Table(Map.copyOf(uids), Set.copyOf(named), Map.copyOf(primary), Map.copyOf(gids), members, stamp);
  }

  private static List<String[]> fields(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.split(":", -1))
          .toList();
    } catch (IOException e) {
      // No file, no local accounts: peers are then judged by uid alone.
      return List.of();
    }
  }

  private static int number(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
