package io.dso.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.time.Duration;

/** {@link DockerEngine} on docker-java with the zero-dependency transport, API version 1.41 at most. */
public final class DockerJavaEngine implements DockerEngine {
  /** Docker 20.10 speaks 1.41; a newer pinned version is refused by such daemons. */
  static final String API_VERSION = "1.41";

  private final String host;
  private final DockerHttpClient http;
  private final DockerClient client;

  public DockerJavaEngine(String host) {
    this.host = host;
    var config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(host)
            .withApiVersion(API_VERSION)
            .build();
    this.http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .connectionTimeout(Duration.ofSeconds(2))
            .responseTimeout(Duration.ofSeconds(30))
            .maxConnections(16)
            .build();
    this.client = DockerClientImpl.getInstance(config, http);
  }

  /** {@code --docker-host}, else {@code DOCKER_HOST}, else the default socket. */
  public static String resolveHost(String flag, java.util.Map<String, String> env) {
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
  public void close() {
    try {
      client.close();
      http.close();
    } catch (IOException e) {
      // closing a dead connection has nothing left to report
    }
  }
}
