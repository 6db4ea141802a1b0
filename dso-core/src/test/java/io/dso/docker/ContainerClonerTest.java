package io.dso.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The clone's edits and the error wording, without a daemon. */
class ContainerClonerTest {
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
