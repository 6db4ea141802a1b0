package io.dso.docker;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the agent needs to know of one container. {@code health} is {@code healthy},
 * {@code unhealthy}, {@code starting} or null without a HEALTHCHECK; env entries are
 * {@code KEY=value} (they may hold secret values: never log them). {@code fixedHostPort}: a port
 * binding names a host port, so two copies of the container cannot run at once. {@code networks}: every
 * network the container is attached to; {@code macAddress}: a MAC address the user set (empty when
 * Docker generated it).
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
    boolean fixedHostPort,
    List<Network> networks,
    String macAddress) {

  /** A mount as Docker reports it. */
  public record Mount(String type, String source, String destination, boolean readWrite) {}

  /**
   * One network attachment: its aliases (without the container's short id, which Docker adds) and the
   * addresses the user fixed (IPAM configuration; empty when Docker assigns them).
   */
  public record Network(String name, List<String> aliases, String fixedIpv4, String fixedIpv6) {
    public Network {
      aliases = List.copyOf(aliases);
      fixedIpv4 = fixedIpv4 == null ? "" : fixedIpv4;
      fixedIpv6 = fixedIpv6 == null ? "" : fixedIpv6;
    }
  }

  public ContainerDetails {
    labels = Map.copyOf(labels);
    env = List.copyOf(env);
    mounts = List.copyOf(mounts);
    networks = List.copyOf(networks);
    macAddress = macAddress == null ? "" : macAddress;
  }

  /** A container without network attachments or a fixed MAC address (tests, callers that need no network view). */
  public ContainerDetails(
      String id, String name, String image, Map<String, String> labels, List<String> env, String status,
      boolean running, String health, boolean hasHealthcheck, List<Mount> mounts, String restartPolicy,
      boolean init, String networkMode, Instant startedAt, boolean fixedHostPort) {
    this(id, name, image, labels, env, status, running, health, hasHealthcheck, mounts, restartPolicy, init,
        networkMode, startedAt, fixedHostPort, List.of(), "");
  }

  /**
   * Addresses that only one container can hold at a time: fixed IPv4/IPv6 addresses per network and a
   * MAC address set by the user, as {@code network=address} (or {@code mac=address}).
   */
  public List<String> fixedAddresses() {
    List<String> out = new java.util.ArrayList<>();
    for (Network n : networks) {
      if (!n.fixedIpv4().isEmpty()) {
        out.add(n.name() + "=" + n.fixedIpv4());
      }
      if (!n.fixedIpv6().isEmpty()) {
        out.add(n.name() + "=" + n.fixedIpv6());
      }
    }
    if (!macAddress.isEmpty()) {
      out.add("mac=" + macAddress);
    }
    return out;
  }

  public String shortId() {
    return id.substring(0, Math.min(12, id.length()));
  }

  @Override
  public String toString() {
    return "ContainerDetails[" + name + " " + shortId() + " " + status + "]";
  }
}
