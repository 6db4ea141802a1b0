package io.dso.rotation;

import io.dso.docker.ContainerDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code auto} strategy: a container starts at 100 and loses points for what makes running two
 * copies side by side risky (fixed host port -50, explicit name -20, restart always -20, no
 * HEALTHCHECK -10, stateful image or /var/lib volume -20); 70 or more -> rolling, else restart.
 */
public record StrategyDecision(String strategy, int score, List<String> reasons) {
  static final int ROLLING_THRESHOLD = 70;

  private static final List<String> STATEFUL_IMAGES = List.of(
      "postgres", "mysql", "mariadb", "mongo", "redis", "elasticsearch", "opensearch", "rabbitmq", "kafka",
      "zookeeper", "etcd", "consul", "cassandra", "influxdb", "minio", "clickhouse", "neo4j", "couchdb");
  /** Names Docker generates (adjective_surname) and Compose generates (project-service-N). */
  private static final Pattern GENERATED_NAME = Pattern.compile("[a-z]+_[a-z]+\\d*|.+[-_]\\d+");

  public StrategyDecision {
    reasons = List.copyOf(reasons);
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
    return new StrategyDecision(score >= ROLLING_THRESHOLD ? "rolling" : "restart", score, reasons);
  }
}
