package io.dso.cli.diag;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Asks a Docker daemon {@code GET /version} with one bounded HTTP/1.0 request over its unix socket
 * or TCP address: enough for doctor, without starting the Docker client library.
 */
final class DockerProbe {
  /** What the daemon says about itself. */
  record Version(String version, String apiVersion) {}

  private static final int MAX_ANSWER = 64 * 1024;

  private DockerProbe() {}

  static Version version(String dockerHost, Duration timeout) throws IOException {
    URI uri = URI.create(dockerHost);
    SocketAddress address;
    StandardProtocolFamily family;
    if ("unix".equals(uri.getScheme())) {
      address = UnixDomainSocketAddress.of(Path.of(uri.getPath()));
      family = StandardProtocolFamily.UNIX;
    } else if ("tcp".equals(uri.getScheme()) || "http".equals(uri.getScheme())) {
      address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort());
      family = null;
    } else {
      throw new IOException("unsupported Docker host '" + dockerHost + "' (use unix:///path or tcp://host:port)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel ch = family == null ? SocketChannel.open() : SocketChannel.open(family)) {
      // Non-blocking throughout, with one deadline: a daemon that accepts and then hangs cannot hold doctor up.
      ch.configureBlocking(false);
      if (!ch.connect(address)) {
        while (!ch.finishConnect()) {
          waitUntil(deadline, timeout);
        }
      }
      ByteBuffer request = ByteBuffer.wrap("GET /version HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      while (request.hasRemaining()) {
        if (ch.write(request) == 0) {
          waitUntil(deadline, timeout);
        }
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (answer.size() < MAX_ANSWER) {
        buf.clear();
        int n = ch.read(buf);
        if (n < 0) {
          break;
        }
        if (n == 0) {
          waitUntil(deadline, timeout);
          continue;
        }
        answer.write(buf.array(), 0, n);
      }
      return parse(answer.toString(StandardCharsets.UTF_8));
    }
  }

  static Version parse(String http) throws IOException {
    int split = http.indexOf("\r\n\r\n");
    String status = http.lines().findFirst().orElse("");
    if (split < 0 || !status.matches("HTTP/1\\.[01] 200.*")) {
      throw new IOException("unexpected answer to GET /version: " + io.dso.LogText.line(status));
    }
    JsonNode body = Terminal.JSON.readTree(http.substring(split + 4));
    return new Version(body.path("Version").asText("?"), body.path("ApiVersion").asText("?"));
  }

  private static void waitUntil(long deadline, Duration timeout) throws IOException {
    if (System.nanoTime() > deadline) {
      throw new IOException("no answer within " + timeout.toSeconds() + " s");
    }
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }
}
