package io.dso.docker;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The agent's only view of the Docker Engine; everything that talks to the daemon is behind it.
 * Failures are {@link DockerOperationException}s naming the container and the operation.
 */
public interface DockerEngine extends AutoCloseable {
  /** True when the daemon answers {@code /_ping}; never throws. */
  boolean ping();

  /** The daemon address, e.g. {@code unix:///var/run/docker.sock}, for messages. */
  String host();

  /** Containers (running and stopped when {@code all}), names without the leading slash. */
  List<ContainerSummary> list(boolean all);

  /** Full details of one container by id or name; empty when it does not exist. */
  Optional<ContainerDetails> inspect(String idOrName);

  /**
   * Creates (does not start) a container named {@code newName} with the full configuration of
   * {@code source} (image, cmd, entrypoint, env, labels, user, workdir, healthcheck, stop signal and
   * timeout, tty/stdin, exposed ports, the whole HostConfig: binds, mounts, tmpfs, restart policy,
   * init, network mode, port bindings, resources, capabilities...) with {@code change} applied. The
   * clone mounts the source's anonymous volumes by name at the same destinations (their data carries
   * over), joins every network of the source with the same aliases, fixed IPv4/IPv6 addresses and
   * links, and keeps a MAC address the user set. It is not started. Returns the new container's id.
   */
  String createClone(String source, String newName, ContainerChange change);

  void start(String id);

  /** Stops with SIGTERM then SIGKILL after {@code grace}; a stopped container is not an error. */
  void stop(String id, Duration grace);

  /**
   * Removes a container, never its volumes (they may hold data, or be carried over to its
   * replacement); a missing container is not an error.
   */
  void remove(String id, boolean force);

  void rename(String id, String newName);

  /** Sends {@code signal} (e.g. {@code SIGHUP}) to the container's main process. */
  void kill(String id, String signal);

  /**
   * Follows the daemon's container events (create, start, die, destroy, rename; health noise
   * filtered out) until closed, reconnecting with backoff when the stream breaks. {@code
   * onConnection} hears {@code true} when the stream is (re)established and {@code false} when lost.
   */
  AutoCloseable events(Consumer<ContainerEvent> onEvent, Consumer<Boolean> onConnection);

  @Override
  void close();
}
