package io.dso.rotation;

import io.dso.docker.ContainerDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which replacing strategy a container gets. {@code auto} starts at 100 and loses points for what makes
 * running two copies side by side risky (fixed host port -50, explicit name -20, restart always -20, no
 * HEALTHCHECK -10, stateful image or /var/lib volume -20); 70 or more -> rolling, else restart. Two rules
 * override the score: a fixed address (static IP or user-set MAC) and writable data that the clone would
 * share with the running original (a volume, or a bind of a host directory) always give restart. An
 * explicit {@code rolling} is turned into restart for a fixed address and kept, with a {@code warning},
 * for shared data.
 *
 * @param requested the configured strategy ({@code auto} or {@code rolling})
 * @param score the auto score; meaningful only when {@link #scored()}
 * @param warning empty, or why the chosen strategy is risky for this container
 */
public record StrategyDecision(String requested, String strategy, int score, List<String> reasons, String warning) {
  static final int ROLLING_THRESHOLD = 70;

  private static final List<String> STATEFUL_IMAGES = List.of(
      "postgres", "mysql", "mariadb", "mongo", "redis", "elasticsearch", "opensearch", "rabbitmq", "kafka",
      "zookeeper", "etcd", "consul", "cassandra", "influxdb", "minio", "clickhouse", "neo4j", "couchdb");
  /** Names Docker generates (adjective_surname) and Compose generates (project-service-N). */
  private static final Pattern GENERATED_NAME = Pattern.compile("[a-z]+_[a-z]+\\d*|.+[-_]\\d+");
  /** Binds of these are plumbing (sockets, kernel file systems), not data two copies could corrupt. */
  private static final List<String> PLUMBING_PREFIXES = List.of("/dev/", "/proc/", "/sys/");

  public StrategyDecision {
    reasons = List.copyOf(reasons);
    warning = warning == null ? "" : warning;
  }

  /** Whether the score decided (auto); false for a check of an explicit strategy. */
  public boolean scored() {
    return requested.equals("auto");
  }

  public static StrategyDecision of(ContainerDetails c) {
    int score = 100;
    List<String> reasons = new ArrayList<>();
    if (c.fixedHostPort()) {
      score -= 50;
      reasons.add("fixed host port (-50): two copies cannot bind it at once");
    }
    if (!GENERATED_NAME.matcher(c.name()).matches()) {
      score -= 20;
      reasons.add("explicit name (-20): other services may address it by name");
    }
    if ("always".equals(c.restartPolicy())) {
      score -= 20;
      reasons.add("restart policy always (-20)");
    }
    if (!c.hasHealthcheck()) {
      score -= 10;
      reasons.add("no HEALTHCHECK (-10): the health gate can only check that it keeps running");
    }
    String image = c.image().toLowerCase(Locale.ROOT);
    boolean statefulImage = STATEFUL_IMAGES.stream().anyMatch(image::contains);
    boolean varLib = c.mounts().stream().anyMatch(m -> m.destination().startsWith("/var/lib"));
    if (statefulImage || varLib) {
      score -= 20;
      reasons.add(statefulImage ? "stateful image (-20)" : "volume under /var/lib (-20)");
    }
    String strategy = score >= ROLLING_THRESHOLD ? "rolling" : "restart";
    List<String> fixed = c.fixedAddresses();
    if (!fixed.isEmpty()) {
      reasons.add(fixedAddressReason(fixed));
      strategy = "restart";
    }
    List<String> shared = sharedData(c);
    if (!shared.isEmpty()) {
      reasons.add("shared data " + String.join(", ", shared)
          + " (restart): two running copies must never open one data directory");
      strategy = "restart";
    }
    return new StrategyDecision("auto", strategy, score, reasons, "");
  }

  /**
   * Checks an explicitly configured strategy against this container; empty when nothing is to say. A
   * fixed address turns rolling into restart; shared data keeps rolling, with a warning.
   */
  public static Optional<StrategyDecision> checkExplicit(ContainerDetails c, String requested) {
    if (!requested.equals("rolling")) {
      return Optional.empty();
    }
    List<String> fixed = c.fixedAddresses();
    if (!fixed.isEmpty()) {
      return Optional.of(new StrategyDecision(requested, "restart", 0, List.of(fixedAddressReason(fixed)), ""));
    }
    List<String> shared = sharedData(c);
    if (!shared.isEmpty()) {
      String warning = "rolling with shared data " + String.join(", ", shared) + ": the new and the old container"
          + " run side by side on the same volumes until the hand-over; use restart for databases";
      return Optional.of(new StrategyDecision(requested, "rolling", 0, List.of(), warning));
    }
    return Optional.empty();
  }

  private static String fixedAddressReason(List<String> fixed) {
    return "fixed address " + String.join(", ", fixed)
        + " (restart): only one container can hold it, so the old one stops before the new one starts";
  }

  /**
   * Writable mounts that a clone shares with its running original, by destination: volumes (named ones,
   * and anonymous ones, which the clone takes over by name) and binds of host paths other than sockets
   * and kernel file systems. tmpfs mounts and read-only mounts are never shared for writing.
   */
  static List<String> sharedData(ContainerDetails c) {
    return c.mounts().stream()
        .filter(ContainerDetails.Mount::readWrite)
        .filter(m -> m.type().equals("volume") || m.type().equals("bind") && !plumbing(m))
        .map(ContainerDetails.Mount::destination)
        .toList();
  }

  private static boolean plumbing(ContainerDetails.Mount m) {
    String src = m.source();
    return src.endsWith(".sock") || m.destination().endsWith(".sock")
        || PLUMBING_PREFIXES.stream().anyMatch(p -> src.startsWith(p) || (src + "/").equals(p));
  }
}
