package io.dso.docker;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the agent needs to know of one container. {@code health} is {@code healthy},
 * {@code unhealthy}, {@code starting} or null without a HEALTHCHECK; env entries are
 * {@code KEY=value} (they may hold secret values: never log them). {@code fixedHostPort}: a port
 * binding names a host port, so two copies of the container cannot run at once.
 */
public record ContainerDetails(
    String id,
    String name,
    String image,
    Map<String, String> labels,
    List<String> env,
    String status,
    boolean running,
    String health,
    boolean hasHealthcheck,
    List<Mount> mounts,
    String restartPolicy,
    boolean init,
    String networkMode,
    Instant startedAt,
    boolean fixedHostPort) {

  /** A mount as Docker reports it. */
  public record Mount(String type, String source, String destination, boolean readWrite) {}

  public ContainerDetails {
    labels = Map.copyOf(labels);
    env = List.copyOf(env);
    mounts = List.copyOf(mounts);
  }

  public String shortId() {
    return id.substring(0, Math.min(12, id.length()));
  }

  @Override
  public String toString() {
    return "ContainerDetails[" + name + " " + shortId() + " " + status + "]";
  }
}
