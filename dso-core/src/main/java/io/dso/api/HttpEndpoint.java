package io.dso.api;

import io.dso.DsoException;
import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.Executor;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** One Jetty server on one address, its requests served on the agent's virtual threads. */
public final class HttpEndpoint implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final String what;

  private HttpEndpoint(Server server, ServerConnector connector, String what) {
    this.server = server;
    this.connector = connector;
    this.what = what;
  }

  /**
   * Starts serving {@code handler} on host:port ({@code port} 0 picks a free one).
   *
   * @param what name for messages, e.g. "metrics" or "API"
   * @param flag the flag that sets this address, named in the error when the port is taken
   */
  public static HttpEndpoint start(
      String what, String host, int port, Handler handler, Executor virtualThreads, String flag) {
    QueuedThreadPool pool = new QueuedThreadPool(8, 2);
    pool.setName("http-" + what);
    pool.setVirtualThreadsExecutor(virtualThreads);
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(1000);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // the start failure is what matters
      }
      Throwable root = e instanceof IOException && e.getCause() instanceof BindException ? e.getCause() : e;
      throw new DsoException(
          "cannot serve " + what + " on " + host + ":" + port + ": " + root.getMessage()
              + "; is another agent running? choose another address with " + flag, e);
    }
    return new HttpEndpoint(server, connector, what);
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String describe() {
    return what + " on http://" + connector.getHost() + ":" + port();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping during shutdown: nothing useful to do with the failure
    }
  }
}
