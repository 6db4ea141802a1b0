package io.dso.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@link DockerEngine} on docker-java with the zero-dependency transport, API version 1.41 at most. */
public final class DockerJavaEngine implements DockerEngine {
  /** Docker 20.10 speaks 1.41; a newer pinned version is refused by such daemons. */
  static final String API_VERSION = "1.41";

  private final String host;
  private final DockerHttpClient http;
  private final DockerClient client;
  /**
   * The transport's response timeout is a socket read timeout: it would cut an idle events stream and
   * a stop whose grace period is longer. Those calls go through a second client without one.
   */
  private final DockerHttpClient longHttp;
  private final DockerClient longClient;

  public DockerJavaEngine(String host) {
    this.host = host;
    DockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(host)
            .withApiVersion(API_VERSION)
            .build();
    this.http = transport(config, Duration.ofSeconds(30), 16);
    this.client = DockerClientImpl.getInstance(config, http);
    this.longHttp = transport(config, null, 8);
    this.longClient = DockerClientImpl.getInstance(config, longHttp);
  }

  private static DockerHttpClient transport(DockerClientConfig config, Duration responseTimeout, int max) {
    var builder = new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .connectionTimeout(Duration.ofSeconds(2))
        .maxConnections(max);
    if (responseTimeout != null) {
      builder.responseTimeout(responseTimeout);
    }
    return ClosingConnections.wrap(builder.build());
  }

  /** {@code --docker-host}, else {@code DOCKER_HOST}, else the default socket. */
  public static String resolveHost(String flag, Map<String, String> env) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String fromEnv = env.get("DOCKER_HOST");
    return fromEnv == null || fromEnv.isBlank() ? "unix:///var/run/docker.sock" : fromEnv;
  }

  @Override
  public boolean ping() {
    try {
      client.pingCmd().exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public String host() {
    return host;
  }

  DockerClient client() {
    return client;
  }

  @Override
  public List<ContainerSummary> list(boolean all) {
    return call("list", "(all)", () -> client.listContainersCmd().withShowAll(all).exec())
        .stream().map(ContainerMapping::summary).toList();
  }

  @Override
  public Optional<ContainerDetails> inspect(String idOrName) {
    return typedInspect(idOrName).map(ContainerMapping::details);
  }

  private Optional<InspectContainerResponse> typedInspect(String idOrName) {
    return call("inspect", idOrName, () -> {
      try {
        return Optional.of(client.inspectContainerCmd(idOrName).exec());
      } catch (NotFoundException e) {
        return Optional.empty();
      }
    });
  }

  @Override
  public String createClone(String source, String newName, ContainerChange change) {
    InspectContainerResponse typed = typedInspect(source).orElseThrow(() -> new DockerOperationException(
        "clone", source, "no such container: check the name (docker ps -a)", null));
    String id = call("create", newName + " (clone of " + source + ")",
        () -> ContainerCloner.command(client, typed, newName, change).exec().getId());
    try {
      // API 1.41 takes one network at create: join the others before the clone ever starts
      for (CloneNetworks.Endpoint e : CloneNetworks.endpoints(typed)) {
        if (!e.primary()) {
          run("network connect " + e.name(), newName, () -> client.connectToNetworkCmd()
              .withNetworkId(e.key()).withContainerId(id).withContainerNetwork(e.settings()).exec());
        }
      }
    } catch (DockerOperationException e) {
      try {
        remove(id, true);
      } catch (DockerOperationException ignored) {
        // the connect error is the one to report; a leftover clone is cleared by the next attempt
      }
      throw e;
    }
    return id;
  }

  @Override
  public void start(String id) {
    run("start", id, () -> {
      try {
        client.startContainerCmd(id).exec();
      } catch (NotModifiedException alreadyRunning) {
        // starting a running container changes nothing
      }
    });
  }

  @Override
  public void stop(String id, Duration grace) {
    int seconds = grace.isZero() || grace.isNegative() ? 0 : (int) Math.max(1, (grace.toMillis() + 999) / 1000);
    run("stop", id, () -> {
      try {
        longClient.stopContainerCmd(id).withTimeout(seconds).exec();
      } catch (NotModifiedException alreadyStopped) {
        // documented as a no-op
      }
    });
  }

  @Override
  public void remove(String id, boolean force) {
    run("remove", id, () -> {
      try {
        // Never with its volumes: a clone mounts its predecessor's anonymous volumes by name, and any
        // volume may hold the only copy of a service's data.
        client.removeContainerCmd(id).withForce(force).withRemoveVolumes(false).exec();
      } catch (NotFoundException gone) {
        // documented as a no-op
      } catch (ConflictException e) {
        if (!ExceptionMapping.daemonMessage(e).contains("already in progress")) {
          throw e;
        }
      }
    });
  }

  @Override
  public void rename(String id, String newName) {
    run("rename", id + " to " + newName, () -> {
      try {
        client.renameContainerCmd(id).withName(newName).exec();
      } catch (BadRequestException e) {
        // a retried rename (crash recovery) finds the name already in place
        if (!ExceptionMapping.daemonMessage(e).contains("same name as its current name")) {
          throw e;
        }
      }
    });
  }

  @Override
  public void kill(String id, String signal) {
    run("kill " + signal, id, () -> client.killContainerCmd(id).withSignal(signal).exec());
  }

  @Override
  public AutoCloseable events(Consumer<ContainerEvent> onEvent, Consumer<Boolean> onConnection) {
    Path socket = host.startsWith("unix://") ? Path.of(host.substring("unix://".length())) : null;
    return new EventStream(longClient, this::ping, socket, onEvent, onConnection);
  }

  private <T> T call(String operation, String container, Supplier<T> body) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      throw ExceptionMapping.map(host, operation, container, e);
    }
  }

  private void run(String operation, String container, Runnable body) {
    call(operation, container, () -> {
      body.run();
      return null;
    });
  }

  @Override
  public void close() {
    for (AutoCloseable c : List.<AutoCloseable>of(client, http, longClient, longHttp)) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a dead connection has nothing left to report
      }
    }
  }
}
