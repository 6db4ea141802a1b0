package io.dso.api;

import io.dso.DsoException;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One Jetty server on one address (and, for the API, also on the agent's unix socket with its own
 * handler), its requests served on the agent's virtual threads.
 */
public final class HttpEndpoint implements AutoCloseable {
  /** The unix socket to serve besides TCP, and the handler for its connections. */
  public record UnixSocket(Path path, Handler handler, boolean groupExists) {}

  private final Server server;
  private final ServerConnector connector;
  private final String what;
  private final Path socket;

  private HttpEndpoint(Server server, ServerConnector connector, String what, Path socket) {
    this.server = server;
    this.connector = connector;
    this.what = what;
    this.socket = socket;
  }

  /**
   * Starts serving {@code handler} on host:port ({@code port} 0 picks a free one).
   *
   * @param what name for messages, e.g. "metrics" or "API"
   * @param flag the flag that sets this address, named in the error when the port is taken
   */
  public static HttpEndpoint start(
      String what, String host, int port, Handler handler, Executor virtualThreads, String flag) {
    return start(what, host, port, handler, null, virtualThreads, flag);
  }

  /**
   * As {@link #start(String, String, int, Handler, Executor, String)}, and also on {@code unix}
   * (when not null): the same server, a unix-domain connector whose requests go to its handler.
   * The socket file is claimed first (another agent answering there is an error, a stale file is
   * replaced) and set to mode 0660 once bound; {@link #close()} removes it.
   */
  public static HttpEndpoint start(
      String what, String host, int port, Handler handler, UnixSocket unix, Executor virtualThreads, String flag) {
    QueuedThreadPool pool = new QueuedThreadPool(8, 2);
    pool.setName("http-" + what);
    pool.setVirtualThreadsExecutor(virtualThreads);
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    Path socketFile = null;
    if (unix == null) {
      server.setHandler(handler);
    } else {
      socketFile = SocketPaths.claim(unix.path(), unix.groupExists());
      UnixDomainServerConnector local = new UnixDomainServerConnector(server, 1, 1, new HttpConnectionFactory());
      local.setUnixDomainPath(socketFile);
      server.addConnector(local);
      server.setHandler(new ByConnector(handler, local, unix.handler()));
    }
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
    if (socketFile != null) {
      try {
        SocketPaths.restrict(socketFile, unix.groupExists());
      } catch (DsoException e) {
        new HttpEndpoint(server, connector, what, socketFile).close();
        throw e;
      }
    }
    return new HttpEndpoint(server, connector, what, socketFile);
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String describe() {
    return what + " on http://" + connector.getHost() + ":" + port() + (socket == null ? "" : " and unix:" + socket);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping during shutdown: nothing useful to do with the failure
    }
    if (socket != null) {
      try {
        Files.deleteIfExists(socket);
      } catch (java.io.IOException e) {
        // a leftover socket file is replaced at the next start: nobody answers on it
      }
    }
  }

  /** Hands each request to the handler of the connector it came in on; both are managed (started, stopped). */
  private static final class ByConnector extends Handler.Sequence {
    private final UnixDomainServerConnector local;
    private final Handler tcp;
    private final Handler socket;

    ByConnector(Handler tcp, UnixDomainServerConnector local, Handler socket) {
      super(tcp, socket);
      this.tcp = tcp;
      this.local = local;
      this.socket = socket;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      Handler h = request.getConnectionMetaData().getConnector() == local ? socket : tcp;
      return h.handle(request, response, callback);
    }
  }
}
