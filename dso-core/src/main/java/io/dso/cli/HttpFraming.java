package io.dso.cli;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The HTTP/1.1 response framing {@link AgentClient} needs from the agent: the head, bodies by
 * Content-Length, chunked or until close, and server-sent events; every line and head is bounded.
 */
final class HttpFraming {
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private HttpFraming() {}

  /** Status, framing and nothing else of a response head. */
  record Head(int status, long length, boolean chunked) {}

  static Head readHead(InputStream in) throws IOException {
    String status = line(in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response");
    }
    int code;
    try {
      code = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad HTTP status line");
    }
    long length = -1;
    boolean chunked = false;
    int total = status.length();
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      total += l.length();
      if (total > MAX_HEADER_BYTES) {
        throw new IOException("response head over " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = l.indexOf(':');
      if (colon > 0) {
        String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = l.substring(colon + 1).trim();
        if (name.equals("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
          chunked = true;
        }
      }
    }
    return new Head(code, length, chunked);
  }

  /** One CRLF- (or LF-) terminated line; at most 64 KiB, EOF before any byte is an error. */
  static String line(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (out.size() >= MAX_HEADER_BYTES) {
        throw new IOException("line over " + MAX_HEADER_BYTES + " bytes");
      }
      out.write(b);
    }
    if (b == -1 && out.size() == 0) {
      throw new EOFException("connection closed");
    }
    String s = out.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  static InputStream limited(InputStream in, long length) {
    return new FilterInputStream(in) {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = super.read();
        left = b == -1 ? 0 : left - 1;
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = super.read(buf, off, (int) Math.min(len, left));
        left = n == -1 ? 0 : left - n;
        return n;
      }
    };
  }

  /** Hands each {@code data:} line to {@code onData}; comments (keepalives) and other fields are skipped. */
  static void events(InputStream in, Consumer<String> onData) throws IOException {
    while (!Thread.currentThread().isInterrupted()) {
      String l;
      try {
        l = line(in);
      } catch (EOFException closed) {
        return;
      }
      if (l.startsWith("data:")) {
        onData.accept(l.substring(5).startsWith(" ") ? l.substring(6) : l.substring(5));
      }
    }
  }

  /** The body of a {@code Transfer-Encoding: chunked} response. */
  static final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long left;
    private boolean done;

    ChunkedInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (left == 0) {
        String size = line(in);
        int semi = size.indexOf(';');
        left = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        if (left == 0) {
          // trailers until the empty line
          while (!line(in).isEmpty()) {
            // skipped
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(buf, off, (int) Math.min(len, left));
      if (n == -1) {
        throw new EOFException("connection closed inside a chunk");
      }
      left -= n;
      if (left == 0) {
        line(in); // the CRLF after the chunk
      }
      return n;
    }
  }
}
