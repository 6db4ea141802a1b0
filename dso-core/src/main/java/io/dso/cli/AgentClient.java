package io.dso.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.agent.StateDir;
import io.dso.api.ApiException;
import io.dso.api.SocketPaths;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The CLI's side of the agent's unix-socket API: JSON requests, and line streams for events.
 * Errors are one line that says what to do (agent not running, permission denied).
 *
 * <p>HTTP/1.1 by hand over a JDK {@link SocketChannel}, one connection per request: the JDK's
 * HttpClient cannot dial a unix socket. Jetty's client can (jetty-client 12.1 with
 * {@code Transport.TCPUnix}), but measured in a fresh JVM against a running agent, on this 2-core
 * machine under load (load average 14, so absolute figures are inflated): its start plus a first
 * GET /health took 3.2-6.0 s and 3,700 classes loaded in all; this client's connect plus GET /health
 * took 0.13-0.34 s and 1,770 classes, most of them Jackson's, which the CLI loads anyway. The
 * agent is the only server this speaks to, so the subset of HTTP/1.1 is small: Content-Length,
 * chunked or until-close bodies, no redirects, no keep-alive.
 */
public final class AgentClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bound of one JSON call: a sync of every secret waits on providers (10 s per attempt by default). */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private final Path socket;

  private AgentClient(Path socket) {
    this.socket = socket;
  }

  /** {@code /run/dso/dso.sock} as root, else {@code $XDG_RUNTIME_DIR/dso/dso.sock} (or {@code ~/.dso/dso.sock} without it). */
  public static Path defaultSocket() {
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.remove("DSO_SOCKET");
    return SocketPaths.defaultFor(StateDir.runningAsRoot(), env);
  }

  /**
   * Connects to the agent at {@code socket} (null: {@code $DSO_SOCKET}, else the default, else, for a
   * user without an agent of its own, the system agent's {@code /run/dso/dso.sock}); empty when no
   * agent listens there, an error when one does but refuses us.
   */
  public static Optional<AgentClient> connect(Path socket) {
    Path path = socket != null ? socket : chosen();
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null && Files.isDirectory(parent) && !Files.isExecutable(parent)) {
        // the socket may well be there: this user cannot even look
        throw new ApiException(403, "permission denied on " + path + ": run as root or join group dso (usermod -aG dso $USER)");
      }
      return Optional.empty();
    }
    AgentClient client = new AgentClient(path);
    try {
      client.exchange("GET", "/health", null, null);
    } catch (Unreachable e) {
      return Optional.empty();
    }
    return Optional.of(client);
  }

  private static Path chosen() {
    String explicit = System.getenv("DSO_SOCKET");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    Path own = defaultSocket();
    Path system = Path.of("/run/dso/dso.sock");
    return Files.exists(own, LinkOption.NOFOLLOW_LINKS) || !Files.exists(system, LinkOption.NOFOLLOW_LINKS) ? own : system;
  }

  /** The socket this client talks to. */
  public Path socket() {
    return socket;
  }

  /** GET {@code path}; a non-2xx answer becomes a {@link io.dso.api.ApiException} with the agent's message. */
  public JsonNode get(String path) {
    return call("GET", path, null);
  }

  /** POST {@code body} as JSON to {@code path}; errors as for {@link #get}. */
  public JsonNode post(String path, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body == null ? java.util.Map.of() : body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("request body for " + path + " cannot be written as JSON", e);
    }
    return call("POST", path, bytes);
  }

  /** Streams a server-sent-events endpoint, one data line at a time, until the agent closes it or the thread is interrupted. */
  public void stream(String path, Consumer<String> onData) {
    try {
      exchange("GET", path, null, onData);
    } catch (Unreachable e) {
      throw notRunning();
    }
  }

  @Override
  public void close() {
    // one connection per request: nothing stays open between calls
  }

  private JsonNode call(String method, String path, byte[] body) {
    byte[] answer;
    try {
      answer = exchange(method, path, body, null);
    } catch (Unreachable e) {
      throw notRunning();
    }
    try {
      return answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer);
    } catch (IOException e) {
      throw new ApiException(502, "the agent on " + socket + " answered " + method + " " + path + " with something that is not JSON;"
          + " is it a dso agent of the same version?");
    }
  }

  private ApiException notRunning() {
    return new ApiException(503, "the agent stopped answering on " + socket + "; start it (dso agent) and retry");
  }

  /** The socket could not be reached at all: no file, nobody listening. */
  private static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(IOException cause) {
      super(cause);
    }
  }

  /**
   * One request on a fresh connection. With {@code onData} the body is read as server-sent events
   * and null is returned; else the body's bytes. Non-2xx answers throw the agent's message.
   */
  private byte[] exchange(String method, String path, byte[] body, Consumer<String> onData) throws Unreachable {
    SocketChannel ch;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      throw new ApiException(500, "cannot open a unix socket: " + e.getMessage());
    }
    // A bounded wait for calls; a stream lasts until closed or interrupted (which closes the channel).
    Thread watchdog = onData != null ? null : Thread.ofPlatform().daemon().name("dso-call-timeout").start(() -> {
      try {
        Thread.sleep(CALL_TIMEOUT);
        ch.close();
      } catch (InterruptedException | IOException done) {
        // the call finished first
      }
    });
    try (ch) {
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        if (denied(e)) {
          throw new ApiException(403, "permission denied on " + socket + ": run as root or join group dso (usermod -aG dso $USER)");
        }
        throw new Unreachable(e);
      }
      StringBuilder head = new StringBuilder()
          .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
          .append("Host: localhost\r\nConnection: close\r\nUser-Agent: dso-cli\r\n");
      if (body != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
      }
      if (onData != null) {
        head.append("Accept: text/event-stream\r\n");
      }
      head.append("\r\n");
      writeAll(ch, head.toString().getBytes(StandardCharsets.US_ASCII));
      if (body != null) {
        writeAll(ch, body);
      }
      InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
      HttpFraming.Head h = HttpFraming.readHead(in);
      InputStream content = h.chunked() ? new HttpFraming.ChunkedInputStream(in)
          : h.length() >= 0 ? HttpFraming.limited(in, h.length()) : in;
      if (h.status() < 200 || h.status() > 299) {
        throw new ApiException(h.status(), message(content.readNBytes(MAX_BODY_BYTES), h.status(), method, path));
      }
      if (onData == null) {
        byte[] bytes = content.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
          throw new ApiException(502, "the agent's answer to " + path + " is over " + MAX_BODY_BYTES + " bytes");
        }
        return bytes;
      }
      HttpFraming.events(content, onData);
      return null;
    } catch (ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (IOException e) {
      if (watchdog != null && !watchdog.isAlive()) {
        throw new ApiException(504, "the agent did not answer " + method + " " + path + " within " + CALL_TIMEOUT.toSeconds()
            + " s; dso status shows what it is doing");
      }
      if (onData != null && Thread.currentThread().isInterrupted()) {
        return null;
      }
      throw new Unreachable(e);
    } finally {
      if (watchdog != null) {
        watchdog.interrupt();
      }
    }
  }

  private static boolean denied(IOException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("permission denied") || m.contains("access denied");
  }

  private static void writeAll(SocketChannel ch, byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  private static String message(byte[] body, int status, String method, String path) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        return n.get("error").asText();
      }
    } catch (IOException e) {
      // not JSON: fall through to the generic message
    }
    return "the agent answered " + status + " to " + method + " " + path;
  }

}
