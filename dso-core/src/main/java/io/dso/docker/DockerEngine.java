package io.dso.docker;

/** The agent's only view of the Docker Engine; everything that talks to the daemon is behind it. */
public interface DockerEngine extends AutoCloseable {
  /** True when the daemon answers {@code /_ping}; never throws. */
  boolean ping();

  /** The daemon address, e.g. {@code unix:///var/run/docker.sock}, for messages. */
  String host();

  @Override
  void close();
}
