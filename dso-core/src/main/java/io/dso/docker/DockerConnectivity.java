package io.dso.docker;

import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches whether the Docker daemon answers. The agent keeps fetching, caching and reporting while
 * it does not; container work is paused and {@code /ready} says so. Transitions are logged once.
 */
public final class DockerConnectivity implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DockerConnectivity.class);

  private final DockerEngine engine;
  private final Duration every;
  private final Consumer<Boolean> onState;
  private volatile boolean up;
  private volatile boolean known;
  private Thread thread;

  public DockerConnectivity(DockerEngine engine, Duration every, Consumer<Boolean> onState) {
    this.engine = engine;
    this.every = every;
    this.onState = onState;
  }

  /** Checks once synchronously, then keeps checking in the background. */
  public void start() {
    check();
    thread = Thread.ofVirtual().name("docker-connectivity").start(this::loop);
  }

  private void loop() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      check();
    }
  }

  void check() {
    boolean now = engine.ping();
    if (!known || now != up) {
      if (now) {
        LOG.info("Docker Engine answers at {}: container work enabled", engine.host());
      } else {
        LOG.warn(
            "Docker Engine unreachable at {}: container work is paused (fetch, cache, metrics and audit"
                + " continue); start Docker or point --docker-host/DOCKER_HOST at it",
            engine.host());
      }
    }
    up = now;
    known = true;
    onState.accept(now);
  }

  public boolean up() {
    return up;
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
