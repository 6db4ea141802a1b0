package io.dso.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/** Posts one JSON body; the seam between delivery logic and the network. */
public interface HttpPoster extends AutoCloseable {
  /** The answer: its status and the server's Retry-After hint, if any. */
  record Reply(int status, Optional<Duration> retryAfter) {}

  Reply post(URI url, Map<String, String> headers, byte[] body, Duration timeout) throws IOException, InterruptedException;

  @Override
  default void close() {}

  /** The JDK's HTTP client: no redirects followed (a redirect could send names elsewhere), no cookies. */
  static HttpPoster jdk(Clock clock) {
    HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    return new HttpPoster() {
      @Override
      public Reply post(URI url, Map<String, String> headers, byte[] body, Duration timeout)
          throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "dso-notify")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        return new Reply(response.statusCode(),
            response.headers().firstValue("Retry-After").flatMap(v -> retryAfter(v, clock)));
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  /** Delay-seconds or an HTTP date; an unreadable or past hint is no hint. */
  static Optional<Duration> retryAfter(String value, Clock clock) {
    String v = value.strip();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(seconds, 86_400)));
    } catch (NumberFormatException e) {
      try {
        Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return d.isNegative() ? Optional.empty() : Optional.of(d);
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }
}
