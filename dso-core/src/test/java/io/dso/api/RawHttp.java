package io.dso.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends one HTTP/1.1 request byte for byte (any Host, any header spelling) and reads the answer. */
final class RawHttp {
  /** Status and body of an answer. */
  record Answer(int status, String head, String body) {}

  private RawHttp() {}

  static Answer send(int port, String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      String text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String head = end < 0 ? text : text.substring(0, end);
      String body = end < 0 ? "" : text.substring(end + 4);
      return new Answer(Integer.parseInt(head.substring(9, 12)), head, body);
    }
  }

  /** A GET with the given Host header line (null: none, as HTTP/1.0 does) and extra header lines. */
  static Answer get(int port, String path, String host, String... headers) throws IOException {
    StringBuilder r = new StringBuilder("GET " + path + (host == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\nHost: " + host + "\r\n"));
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    r.append("Connection: close\r\n\r\n");
    return send(port, r.toString());
  }

  static Answer post(int port, String path, String host, String body, String... headers) throws IOException {
    StringBuilder r = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    r.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\nConnection: close\r\n\r\n").append(body);
    return send(port, r.toString());
  }
}
