package io.dso.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's response framing, byte for byte. */
class HttpFramingTest {
  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aChunkedBodyWithExtensionsAndTrailersIsJoined() throws IOException {
    InputStream in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n");
    HttpFraming.Head h = HttpFraming.readHead(in);
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.chunked()).isTrue();
    assertThat(new String(new HttpFraming.ChunkedInputStream(in).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
  }

  @Test
  void aContentLengthBodyStopsAtItsLength() throws IOException {
    InputStream in = bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}trailing");
    HttpFraming.Head h = HttpFraming.readHead(in);
    assertThat(h.status()).isEqualTo(404);
    assertThat(new String(HttpFraming.limited(in, h.length()).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{}");
  }

  @Test
  void serverSentEventsYieldDataLinesAndSkipComments() throws IOException {
    List<String> got = new ArrayList<>();
    HttpFraming.events(bytes(": connected\n\ndata: {\"a\":1}\n\n: keepalive\n\ndata:{\"b\":2}\r\n\r\n"), got::add);
    assertThat(got).containsExactly("{\"a\":1}", "{\"b\":2}");
  }

  @Test
  void aLineOverTheLimitAndSomethingNotHttpAreErrors() {
    assertThatThrownBy(() -> HttpFraming.readHead(bytes("HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000) + "\r\n\r\n")))
        .isInstanceOf(IOException.class).hasMessageContaining("over");
    assertThatThrownBy(() -> HttpFraming.readHead(bytes("SSH-2.0-OpenSSH\r\n\r\n"))).hasMessageContaining("not an HTTP response");
  }
}
