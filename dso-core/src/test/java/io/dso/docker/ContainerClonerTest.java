package io.dso.docker;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.tuple;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Link;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The clone's edits and the error wording, without a daemon. */
class ContainerClonerTest {
  /**
   * What the daemon answers for a Compose-style container: two networks (one with a fixed address and a
   * link), the source's short id among the aliases, a generated MAC on each endpoint, a MAC the user set,
   * an image VOLUME, a sourceless volume mount, a named volume and a bind.
   */
  private static final String INSPECT = """
      {"Id": "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef",
       "Name": "/proj_web_1",
       "Config": {"Image": "app:1", "Hostname": "0123456789ab", "MacAddress": "02:42:ac:11:00:99",
                  "Labels": {"com.docker.compose.project": "proj", "com.docker.compose.service": "web",
                             "com.docker.compose.container-number": "1", "com.docker.compose.config-hash": "abc"},
                  "Volumes": {"/data": {}, "/cache": {}, "/named": {}}},
       "HostConfig": {"NetworkMode": "proj_front",
                      "Binds": ["pgnamed:/named:rw", "/srv/static:/static:ro"],
                      "Mounts": [{"Type": "volume", "Target": "/cache"}]},
       "Mounts": [
         {"Type": "volume", "Name": "d1a7a", "Source": "/var/lib/docker/volumes/d1a7a/_data", "Destination": "/data", "RW": true},
         {"Type": "volume", "Name": "cac4e", "Source": "/var/lib/docker/volumes/cac4e/_data", "Destination": "/cache", "RW": true},
         {"Type": "volume", "Name": "pgnamed", "Source": "/var/lib/docker/volumes/pgnamed/_data", "Destination": "/named", "RW": true},
         {"Type": "bind", "Source": "/srv/static", "Destination": "/static", "RW": false}],
       "NetworkSettings": {"Networks": {
         "proj_front": {"Aliases": ["web", "0123456789ab"], "NetworkID": "f1f1", "MacAddress": "02:42:ac:1f:47:02",
                        "IPAMConfig": {"IPv4Address": "172.31.71.10"}, "Links": ["proj_db_1:db"]},
         "proj_back": {"Aliases": ["0123456789ab", "web", "api"], "NetworkID": "b2b2", "MacAddress": "02:42:ac:1f:48:02",
                       "IPAMConfig": {"IPv6Address": "fd00::20"}}}}}
      """;

  private static InspectContainerResponse inspect(String json) throws Exception {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost("unix:///nonexistent.sock").build();
    return config.getObjectMapper().readValue(json, InspectContainerResponse.class);
  }

  /** A client that is never called: building a command needs one, executing it is not part of these tests. */
  private static DockerClient offlineClient() {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost("unix:///nonexistent.sock").build();
    return DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
  }

  @Test
  void aCloneMountsTheAnonymousVolumesOfItsSourceByNameAndKeepsNamedVolumesAndBinds() throws Exception {
    try (DockerClient client = offlineClient()) {
      CreateContainerCmd cmd = ContainerCloner.command(client, inspect(INSPECT), "proj_web_1_dso_new",
          new ContainerChange(Map.of(), Map.of(), Set.of(), List.of(new ContainerChange.BindMount("/run/dso/x", "/run/secrets", true))));
      HostConfig host = cmd.getHostConfig();
      assertThat(Arrays.stream(host.getBinds()).map(Bind::toString))
          .containsExactly("pgnamed:/named:rw", "/srv/static:/static:ro", "d1a7a:/data:rw", "/run/dso/x:/run/secrets:ro");
      // a sourceless volume mount gets its volume's name: adding a bind at its target would be a duplicate mount point
      assertThat(host.getMounts()).singleElement().satisfies(m -> {
        assertThat(m.getTarget()).isEqualTo("/cache");
        assertThat(m.getSource()).isEqualTo("cac4e");
      });
      assertThat(cmd.getVolumes()).extracting(Volume::getPath).containsExactlyInAnyOrder("/data", "/cache", "/named");
    }
  }

  @Test
  void aCloneRepeatsThePrimaryNetworkEndpointAndAUserSetMacButNoGeneratedIdentity() throws Exception {
    try (DockerClient client = offlineClient()) {
      CreateContainerCmd cmd = ContainerCloner.command(client, inspect(INSPECT), "proj_web_1_dso_new", ContainerChange.NONE);
      assertThat(cmd.getHostConfig().getNetworkMode()).isEqualTo("proj_front");
      assertThat(cmd.getAliases()).containsExactly("web");
      assertThat(cmd.getIpv4Address()).isEqualTo("172.31.71.10");
      assertThat(cmd.getIpv6Address()).isNull();
      assertThat(cmd.getHostConfig().getLinks()).extracting(Link::getName, Link::getAlias).containsExactly(tuple("proj_db_1", "db"));
      assertThat(cmd.getMacAddress()).isEqualTo("02:42:ac:11:00:99");
      assertThat(cmd.getHostName()).isNull();
      assertThat(cmd.getLabels()).containsEntry("com.docker.compose.config-hash", "abc")
          .containsEntry("com.docker.compose.container-number", "1");
    }
  }

  @Test
  void everyOtherNetworkIsJoinedWithItsAliasesAndFixedAddressesButNotTheGeneratedOnes() throws Exception {
    List<CloneNetworks.Endpoint> endpoints = CloneNetworks.endpoints(inspect(INSPECT));
    assertThat(endpoints).extracting(CloneNetworks.Endpoint::name).containsExactly("proj_front", "proj_back");
    assertThat(endpoints).extracting(CloneNetworks.Endpoint::primary).containsExactly(true, false);
    CloneNetworks.Endpoint back = endpoints.get(1);
    assertThat(back.key()).isEqualTo("b2b2");
    ContainerNetwork settings = back.settings();
    assertThat(settings.getAliases()).containsExactly("web", "api");
    assertThat(settings.getIpamConfig().getIpv6Address()).isEqualTo("fd00::20");
    assertThat(settings.getIpamConfig().getIpv4Address()).isNull();
    assertThat(settings.getMacAddress()).isNull();
    assertThat(settings.getIpAddress()).isNull();
    assertThat(settings.getLinks()).isNullOrEmpty();

    ContainerDetails d = ContainerMapping.details(inspect(INSPECT));
    assertThat(d.networks()).containsExactly(
        new ContainerDetails.Network("proj_front", List.of("web"), "172.31.71.10", ""),
        new ContainerDetails.Network("proj_back", List.of("web", "api"), "", "fd00::20"));
    assertThat(d.macAddress()).isEqualTo("02:42:ac:11:00:99");
    assertThat(d.fixedAddresses()).containsExactly("proj_front=172.31.71.10", "proj_back=fd00::20", "mac=02:42:ac:11:00:99");
  }

  @Test
  void theNetworkModeMayNameThePrimaryNetworkByIdOrAsDefault() throws Exception {
    String byId = INSPECT.replace("\"NetworkMode\": \"proj_front\"", "\"NetworkMode\": \"b2b2\"");
    assertThat(CloneNetworks.endpoints(inspect(byId))).extracting(CloneNetworks.Endpoint::name)
        .containsExactly("proj_back", "proj_front");
    assertThat(CloneNetworks.primaryName("default", Map.of())).isEqualTo("bridge");
    String none = INSPECT.replace("\"NetworkMode\": \"proj_front\"", "\"NetworkMode\": \"none\"");
    assertThat(CloneNetworks.endpoints(inspect(none))).isEmpty();
    assertThat(ContainerMapping.details(inspect(none)).networks()).isEmpty();
  }

  @Test
  void setEnvReplacesSameNamedEntriesInPlaceAndAppendsNewOnes() {
    assertThat(ContainerCloner.applyEnv(new String[] {"PATH=/bin", "FOO=old", "EMPTY"}, Map.of("FOO", "new", "BAR", "x")))
        .containsExactly("PATH=/bin", "FOO=new", "EMPTY", "BAR=x");
    assertThat(ContainerCloner.applyEnv(null, Map.of("A", "1=2"))).containsExactly("A=1=2");
  }

  @Test
  void labelsAreRemovedThenSet() {
    assertThat(ContainerCloner.applyLabels(Map.of("a", "1", "b", "2"), Map.of("a", "3"), Set.of("b", "c")))
        .isEqualTo(Map.of("a", "3"));
  }

  @Test
  void aNewBindReplacesAnyBindMountOrTmpfsAtItsDestination() {
    HostConfig host = HostConfig.newHostConfig()
        .withBinds(Bind.parse("/h/data:/data:ro"), Bind.parse("/h/old:/run/secrets:rw"))
        .withMounts(List.of(new Mount().withType(MountType.BIND).withSource("/m").withTarget("/run/secrets"),
            new Mount().withType(MountType.TMPFS).withTarget("/scratch")))
        .withTmpFs(Map.of("/run/secrets", "size=1m", "/tmp", ""));
    HostConfig out = ContainerCloner.applyBinds(host,
        List.of(new ContainerChange.BindMount("/h/secrets", "/run/secrets", true)));
    assertThat(Arrays.stream(out.getBinds()).map(Bind::toString))
        .containsExactly("/h/data:/data:ro", "/h/secrets:/run/secrets:ro");
    assertThat(out.getMounts()).extracting(Mount::getTarget).containsExactly("/scratch");
    assertThat(out.getTmpFs()).containsOnlyKeys("/tmp");
  }

  @Test
  void messagesSayWhatAndWhatToDo() {
    var conflict = ExceptionMapping.map("unix:///x.sock", "rename", "web",
        new ConflictException("Status 409: {\"message\":\"Conflict. The container name \\\"/web\\\" is already in use\"}\n"));
    assertThat(conflict).hasMessage("docker rename web failed: conflict (Conflict. The container name \"/web\" is"
        + " already in use): the name is taken or the container is in the wrong state");
    var down = ExceptionMapping.map("unix:///x.sock", "start", "web",
        new RuntimeException(new UncheckedIOException(new ConnectException("Connection refused"))));
    assertThat(down).hasMessage("docker start web failed: cannot talk to the Docker Engine at unix:///x.sock"
        + " (ConnectException: Connection refused): is it running? check --docker-host/DOCKER_HOST");
    assertThat(down.operation()).isEqualTo("start");
    assertThat(down.container()).isEqualTo("web");
  }
}
