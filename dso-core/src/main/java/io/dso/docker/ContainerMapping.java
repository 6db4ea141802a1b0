package io.dso.docker;

import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Maps docker-java's answers to the agent's records. Fields its model lacks (mount {@code Type},
 * {@code StopSignal}, {@code StopTimeout}) are read from the raw JSON it keeps beside the model.
 */
final class ContainerMapping {
  private ContainerMapping() {}

  static ContainerSummary summary(Container c) {
    return new ContainerSummary(
        c.getId(), primaryName(c.getNames()), c.getImage(), nonNull(c.getLabels()), c.getState());
  }

  /** Linked containers carry extra names like {@code /other/alias}; the own name has one slash. */
  static String primaryName(String[] names) {
    if (names == null || names.length == 0) {
      return "";
    }
    for (String n : names) {
      if (n.lastIndexOf('/') == 0) {
        return n.substring(1);
      }
    }
    return stripSlash(names[0]);
  }

  static ContainerDetails details(InspectContainerResponse r) {
    ContainerConfig config = r.getConfig() == null ? new ContainerConfig() : r.getConfig();
    InspectContainerResponse.ContainerState state = r.getState();
    HostConfig host = r.getHostConfig() == null ? HostConfig.newHostConfig() : r.getHostConfig();
    HealthState health = state == null ? null : state.getHealth();
    String healthStatus = health == null || health.getStatus() == null || health.getStatus().isEmpty()
        ? null : health.getStatus();
    return new ContainerDetails(
        r.getId(),
        stripSlash(String.valueOf(r.getName())),
        config.getImage(),
        nonNull(config.getLabels()),
        config.getEnv() == null ? List.of() : List.of(config.getEnv()),
        state == null ? "" : String.valueOf(state.getStatus()),
        state != null && Boolean.TRUE.equals(state.getRunning()),
        healthStatus,
        hasHealthcheck(config.getHealthcheck()),
        mounts(r),
        host.getRestartPolicy() == null ? "" : Objects.requireNonNullElse(host.getRestartPolicy().getName(), ""),
        Boolean.TRUE.equals(host.getInit()),
        Objects.requireNonNullElse(host.getNetworkMode(), ""),
        instant(state == null ? null : state.getStartedAt()),
        fixedHostPort(host),
        networks(r),
        Objects.requireNonNullElse(config.getMacAddress(), ""));
  }

  /** Every network attachment, the primary one first, with the user's aliases and fixed addresses. */
  static List<ContainerDetails.Network> networks(InspectContainerResponse r) {
    return CloneNetworks.endpoints(r).stream()
        .map(e -> new ContainerDetails.Network(e.name(), e.aliases(), e.ipv4(), e.ipv6()))
        .toList();
  }

  /** A binding with an explicit, non-zero host port (ephemeral "0"/empty ports do not collide). */
  static boolean fixedHostPort(com.github.dockerjava.api.model.HostConfig host) {
    var bindings = host.getPortBindings();
    if (bindings == null || bindings.getBindings() == null) {
      return false;
    }
    return bindings.getBindings().values().stream()
        .filter(Objects::nonNull)
        .flatMap(java.util.Arrays::stream)
        .anyMatch(b -> b.getHostPortSpec() != null && !b.getHostPortSpec().isBlank() && !"0".equals(b.getHostPortSpec()));
  }

  /** A Healthcheck whose test is {@code ["NONE"]} disables the image's check. */
  static boolean hasHealthcheck(HealthCheck healthcheck) {
    List<String> test = healthcheck == null ? null : healthcheck.getTest();
    return test != null && !test.isEmpty() && !"NONE".equals(test.get(0));
  }

  /** Mounts from the raw JSON: docker-java's Mount model has no {@code Type}. */
  private static List<ContainerDetails.Mount> mounts(InspectContainerResponse r) {
    List<ContainerDetails.Mount> out = new ArrayList<>();
    if (raw(r, "Mounts") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m) {
          out.add(new ContainerDetails.Mount(
              text(m.get("Type")), text(m.get("Source")), text(m.get("Destination")),
              Boolean.TRUE.equals(m.get("RW"))));
        }
      }
    }
    return out;
  }

  /**
   * A value of the inspect JSON that docker-java's model does not declare. docker-java keeps the raw
   * JSON only on the top-level object (nested models have empty raw values), so look it up from there.
   */
  static Object raw(InspectContainerResponse r, String... path) {
    Object v = r.getRawValues();
    for (String key : path) {
      v = v instanceof Map<?, ?> m ? m.get(key) : null;
    }
    return v;
  }

  private static String text(Object o) {
    return o == null ? "" : o.toString();
  }

  /** Docker reports {@code 0001-01-01T00:00:00Z} for a container that never started. */
  static Instant instant(String text) {
    if (text == null || text.isEmpty() || text.startsWith("0001-")) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String stripSlash(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }

  private static <K, V> Map<K, V> nonNull(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
