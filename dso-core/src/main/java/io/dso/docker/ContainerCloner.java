package io.dso.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.Volume;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Builds the create command of a clone: the source's Config field by field and its HostConfig object
 * as is, its anonymous volumes by name and its primary network's endpoint, then the
 * {@link ContainerChange}. Env values pass through here: nothing is logged.
 */
final class ContainerCloner {
  private ContainerCloner() {}

  static CreateContainerCmd command(
      DockerClient client, InspectContainerResponse source, String newName, ContainerChange change) {
    ContainerConfig c = source.getConfig();
    HostConfig host = source.getHostConfig() == null ? HostConfig.newHostConfig() : source.getHostConfig();
    String networkMode = Objects.requireNonNullElse(host.getNetworkMode(), "");
    boolean sharedNetns = networkMode.equals("host") || networkMode.startsWith("container:");

    CreateContainerCmd cmd = client.createContainerCmd(c.getImage()).withName(newName);
    if (c.getCmd() != null) {
      cmd.withCmd(c.getCmd());
    }
    if (c.getEntrypoint() != null) {
      cmd.withEntrypoint(c.getEntrypoint());
    }
    cmd.withEnv(applyEnv(c.getEnv(), change.setEnv()));
    cmd.withLabels(applyLabels(c.getLabels(), change.setLabels(), change.removeLabels()));
    setIfPresent(c.getUser(), cmd::withUser);
    setIfPresent(c.getWorkingDir(), cmd::withWorkingDir);
    setIfPresent(c.getDomainName(), cmd::withDomainName);
    if (c.getHealthcheck() != null) {
      cmd.withHealthcheck(c.getHealthcheck());
    }
    // docker-java's ContainerConfig does not model these two: read them from the raw JSON
    if (ContainerMapping.raw(source, "Config", "StopSignal") instanceof String signal) {
      setIfPresent(signal, cmd::withStopSignal);
    }
    if (ContainerMapping.raw(source, "Config", "StopTimeout") instanceof Number timeout) {
      cmd.withStopTimeout(timeout.intValue());
    }
    cmd.withTty(Boolean.TRUE.equals(c.getTty()))
        .withStdinOpen(Boolean.TRUE.equals(c.getStdinOpen()))
        .withStdInOnce(Boolean.TRUE.equals(c.getStdInOnce()));
    // the daemon fills in the short id as hostname; copying it would name the clone after its source.
    // With a shared network namespace the daemon refuses an explicit hostname and exposed ports.
    String shortId = source.getId().substring(0, Math.min(12, source.getId().length()));
    if (!sharedNetns) {
      String hostname = c.getHostName();
      if (hostname != null && !hostname.isEmpty() && !hostname.equals(shortId)) {
        cmd.withHostName(hostname);
      }
      if (c.getExposedPorts() != null && c.getExposedPorts().length > 0) {
        cmd.withExposedPorts(c.getExposedPorts());
      }
    }
    if (c.getVolumes() != null && !c.getVolumes().isEmpty()) {
      cmd.withVolumes(c.getVolumes().keySet().stream().map(Volume::new).toList());
    }
    // A MAC address the user set is part of the container's identity; a generated one is left to Docker.
    if (!sharedNetns) {
      setIfPresent(c.getMacAddress(), cmd::withMacAddress);
    }
    carryAnonymousVolumes(volumeMounts(source), host);
    CloneNetworks.endpoints(source).stream().filter(CloneNetworks.Endpoint::primary).findFirst()
        .ifPresent(primary -> primaryEndpoint(cmd, host, primary));
    return cmd.withHostConfig(applyBinds(host, change.binds()));
  }

  /**
   * The primary network's aliases (Compose service names live there), fixed addresses and links go
   * into the create call; docker-java moves the HostConfig's links into that network's endpoint.
   */
  private static void primaryEndpoint(CreateContainerCmd cmd, HostConfig host, CloneNetworks.Endpoint primary) {
    if (!primary.aliases().isEmpty()) {
      cmd.withAliases(primary.aliases());
    }
    setIfPresent(primary.ipv4(), cmd::withIpv4Address);
    setIfPresent(primary.ipv6(), cmd::withIpv6Address);
    if (!primary.links().isEmpty() && host.isUserDefinedNetwork()) {
      host.withLinks(primary.links());
    }
  }

  /** A volume mount of the source as Docker reports it: name, destination and whether it is writable. */
  record VolumeMount(String name, String destination, boolean readWrite) {}

  private static List<VolumeMount> volumeMounts(InspectContainerResponse source) {
    List<VolumeMount> out = new ArrayList<>();
    if (ContainerMapping.raw(source, "Mounts") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && "volume".equals(m.get("Type")) && m.get("Name") instanceof String name
            && !name.isEmpty() && m.get("Destination") instanceof String dest) {
          out.add(new VolumeMount(name, dest, !Boolean.FALSE.equals(m.get("RW"))));
        }
      }
    }
    return out;
  }

  /**
   * Anonymous volumes (an image's VOLUME, {@code -v /path}, a volume mount without a source) would be
   * created afresh, empty, for the clone: mount the source's volumes by name at the same destination
   * instead, as {@code docker compose up --force-recreate} does. Named volumes and binds are already in
   * the HostConfig.
   */
  static HostConfig carryAnonymousVolumes(List<VolumeMount> volumes, HostConfig host) {
    Set<String> configured = new java.util.HashSet<>();
    if (host.getBinds() != null) {
      Arrays.stream(host.getBinds()).map(b -> b.getVolume().getPath()).forEach(configured::add);
    }
    Map<String, Mount> sourceless = new LinkedHashMap<>();
    if (host.getMounts() != null) {
      for (Mount m : host.getMounts()) {
        if (m.getSource() == null || m.getSource().isEmpty()) {
          sourceless.put(m.getTarget(), m);
        } else {
          configured.add(m.getTarget());
        }
      }
    }
    List<Bind> binds = new ArrayList<>(host.getBinds() == null ? List.of() : Arrays.asList(host.getBinds()));
    boolean added = false;
    for (VolumeMount v : volumes) {
      if (configured.contains(v.destination())) {
        continue;
      }
      Mount declared = sourceless.get(v.destination());
      if (declared != null) {
        declared.withSource(v.name());
      } else {
        binds.add(new Bind(v.name(), new Volume(v.destination()), v.readWrite() ? AccessMode.rw : AccessMode.ro));
        added = true;
      }
    }
    if (added) {
      host.withBinds(binds);
    }
    return host;
  }

  static List<String> applyEnv(String[] env, Map<String, String> set) {
    Map<String, String> byKey = new LinkedHashMap<>();
    for (String e : env == null ? new String[0] : env) {
      int eq = e.indexOf('=');
      byKey.put(eq < 0 ? e : e.substring(0, eq), e);
    }
    set.forEach((k, v) -> byKey.put(k, k + "=" + v));
    return List.copyOf(byKey.values());
  }

  static Map<String, String> applyLabels(Map<String, String> labels, Map<String, String> set, Set<String> remove) {
    Map<String, String> out = new LinkedHashMap<>(labels == null ? Map.of() : labels);
    out.keySet().removeAll(remove);
    out.putAll(set);
    return out;
  }

  /** New binds replace any bind, mount or tmpfs at the same destination (Docker refuses duplicates). */
  static HostConfig applyBinds(HostConfig host, List<ContainerChange.BindMount> binds) {
    if (binds.isEmpty()) {
      return host;
    }
    Set<String> targets = binds.stream().map(ContainerChange.BindMount::destination).collect(Collectors.toSet());
    List<Bind> kept = new ArrayList<>();
    if (host.getBinds() != null) {
      Arrays.stream(host.getBinds()).filter(b -> !targets.contains(b.getVolume().getPath())).forEach(kept::add);
    }
    for (ContainerChange.BindMount b : binds) {
      kept.add(new Bind(b.source(), new Volume(b.destination()), b.readOnly() ? AccessMode.ro : AccessMode.rw));
    }
    host.withBinds(kept);
    if (host.getMounts() != null) {
      List<Mount> mounts = host.getMounts().stream().filter(m -> !targets.contains(m.getTarget())).toList();
      host.withMounts(new ArrayList<>(mounts));
    }
    if (host.getTmpFs() != null) {
      Map<String, String> tmpfs = new LinkedHashMap<>(host.getTmpFs());
      tmpfs.keySet().removeAll(targets);
      host.withTmpFs(tmpfs);
    }
    return host;
  }

  private static void setIfPresent(String value, Consumer<String> setter) {
    if (value != null && !value.isEmpty()) {
      setter.accept(value);
    }
  }
}
