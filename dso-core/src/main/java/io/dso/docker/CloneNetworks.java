package io.dso.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Link;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The network attachments a clone must repeat: per network the user's aliases, fixed IPv4/IPv6 addresses
 * and links, never what Docker generated (the source's short-id alias, its assigned address, its MAC
 * address). Docker 20.10 (API 1.41) takes one network at create: the primary one (the network mode)
 * goes into the create call, every other one is connected before the clone starts.
 */
final class CloneNetworks {
  private CloneNetworks() {}

  /**
   * What to repeat on one network; {@code key} is the network's id when known, else its name;
   * {@code primary}: the network mode's network, set at create (the others are connected).
   */
  record Endpoint(
      String name, String key, boolean primary, List<String> aliases, String ipv4, String ipv6, List<Link> links) {
    Endpoint {
      aliases = List.copyOf(aliases);
      links = List.copyOf(links);
      ipv4 = Objects.requireNonNullElse(ipv4, "");
      ipv6 = Objects.requireNonNullElse(ipv6, "");
    }

    /** The endpoint settings for {@code docker network connect}. */
    ContainerNetwork settings() {
      ContainerNetwork n = new ContainerNetwork();
      if (!aliases.isEmpty()) {
        n.withAliases(aliases);
      }
      if (!ipv4.isEmpty() || !ipv6.isEmpty()) {
        n.withIpamConfig(new ContainerNetwork.Ipam()
            .withIpv4Address(ipv4.isEmpty() ? null : ipv4)
            .withIpv6Address(ipv6.isEmpty() ? null : ipv6));
      }
      if (!links.isEmpty()) {
        n.withLinks(links);
      }
      return n;
    }
  }

  /** Host, {@code container:<id>} and {@code none} have no endpoints of their own to repeat. */
  static boolean hasOwnEndpoints(String networkMode) {
    return !(networkMode.equals("host") || networkMode.equals("none") || networkMode.startsWith("container:"));
  }

  /** Every attachment of {@code source}, the primary network first; empty without own endpoints. */
  static List<Endpoint> endpoints(InspectContainerResponse source) {
    String mode = networkMode(source);
    var settings = source.getNetworkSettings();
    if (!hasOwnEndpoints(mode) || settings == null || settings.getNetworks() == null) {
      return List.of();
    }
    String shortId = source.getId().substring(0, Math.min(12, source.getId().length()));
    String primary = primaryName(mode, settings.getNetworks());
    return settings.getNetworks().entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, ContainerNetwork> e) -> !e.getKey().equals(primary))
            .thenComparing(Map.Entry::getKey))
        .map(e -> endpoint(e.getKey(), e.getKey().equals(primary), e.getValue(), shortId))
        .toList();
  }

  /**
   * The network mode names the primary network, by name or (when the user gave one) by id; the
   * default bridge is listed as {@code bridge}.
   */
  static String primaryName(String mode, Map<String, ContainerNetwork> networks) {
    if (mode.equals("default") || mode.isEmpty()) {
      return "bridge";
    }
    if (networks.containsKey(mode)) {
      return mode;
    }
    return networks.entrySet().stream()
        .filter(e -> e.getValue().getNetworkID() != null && e.getValue().getNetworkID().startsWith(mode))
        .map(Map.Entry::getKey)
        .findFirst().orElse(mode);
  }

  static String networkMode(InspectContainerResponse source) {
    return source.getHostConfig() == null ? "" : Objects.requireNonNullElse(source.getHostConfig().getNetworkMode(), "");
  }

  private static Endpoint endpoint(String name, boolean primary, ContainerNetwork n, String shortId) {
    List<String> aliases = n.getAliases() == null ? List.of()
        : n.getAliases().stream().filter(a -> !a.equals(shortId)).distinct().toList();
    ContainerNetwork.Ipam ipam = n.getIpamConfig();
    List<Link> links = n.getLinks() == null ? List.of() : Arrays.asList(n.getLinks());
    String key = n.getNetworkID() == null || n.getNetworkID().isEmpty() ? name : n.getNetworkID();
    return new Endpoint(name, key, primary, aliases, ipam == null ? "" : ipam.getIpv4Address(),
        ipam == null ? "" : ipam.getIpv6Address(), links);
  }
}
