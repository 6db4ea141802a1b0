package io.dso.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.config.NotificationDestination;
import io.dso.config.RetrySettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The retry schedule: which answers are retried, the backoff between tries (recorded, not slept), Retry-After. */
class SenderTest {
  private static final NotificationDestination DEST = new NotificationDestination("ops", NotificationDestination.Type.WEBHOOK,
      URI.create("https://hooks.example.com/T0/B1/tokenpart?x=1"), Set.of("rotation_success"), Map.of(), Duration.ofSeconds(1));
  private static final RetrySettings RETRY = new RetrySettings(5, Duration.ofSeconds(1), Duration.ofSeconds(60));

  /** Answers from a script: a status, or -1 for a refused connection. */
  static final class ScriptedPoster implements HttpPoster {
    final Deque<Object> script = new ArrayDeque<>();
    int calls;

    ScriptedPoster(Object... answers) {
      script.addAll(List.of(answers));
    }

    @Override
    public Reply post(URI url, Map<String, String> headers, byte[] body, Duration timeout) throws IOException {
      calls++;
      Object next = script.isEmpty() ? 200 : script.poll();
      if (next instanceof Reply r) {
        return r;
      }
      if ((Integer) next < 0) {
        throw new ConnectException("Connection refused to " + url);
      }
      return new Reply((Integer) next, Optional.empty());
    }
  }

  private final List<Duration> slept = new ArrayList<>();

  private Sender sender(HttpPoster poster, RetrySettings retry) {
    return new Sender(DEST, retry, poster, slept::add, new SplittableRandom(7));
  }

  @Test
  void serverErrorsAreRetriedWithGrowingJitteredBackoffUntilDelivered() throws Exception {
    ScriptedPoster poster = new ScriptedPoster(500, 503, -1, 200);
    Sender.Outcome o = sender(poster, RETRY).withRetries(new byte[0], () -> false);
    assertThat(o.delivered()).isTrue();
    assertThat(o.attempts()).isEqualTo(4);
    assertThat(slept).hasSize(3);
    // full jitter in [base*2^(n-1)/2, base*2^(n-1)]
    assertThat(slept.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(slept.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(slept.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  void otherClientErrorsAreNotRetried() throws Exception {
    ScriptedPoster poster = new ScriptedPoster(404);
    Sender.Outcome o = sender(poster, RETRY).withRetries(new byte[0], () -> false);
    assertThat(o.delivered()).isFalse();
    assertThat(o.attempts()).isEqualTo(1);
    assertThat(o.last().problem()).isEqualTo("HTTP 404");
    assertThat(slept).isEmpty();
  }

  @Test
  void tooManyRequestsHonoursRetryAfterCappedAtMaxBackoff() throws Exception {
    ScriptedPoster poster = new ScriptedPoster(
        new HttpPoster.Reply(429, Optional.of(Duration.ofSeconds(7))),
        new HttpPoster.Reply(429, Optional.of(Duration.ofHours(1))), 200);
    Sender.Outcome o = sender(poster, new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(30)))
        .withRetries(new byte[0], () -> false);
    assertThat(o.delivered()).isTrue();
    assertThat(slept).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(30));
  }

  @Test
  void givesUpAfterTheConfiguredAttemptsAndNamesNoUrl() throws Exception {
    ScriptedPoster poster = new ScriptedPoster(-1, -1, -1);
    Sender.Outcome o = sender(poster, new RetrySettings(3, Duration.ofSeconds(1), Duration.ofSeconds(60)))
        .withRetries(new byte[0], () -> false);
    assertThat(o.delivered()).isFalse();
    assertThat(poster.calls).isEqualTo(3);
    assertThat(slept).hasSize(2);
    assertThat(o.last().status()).isNull();
    assertThat(o.last().problem()).isEqualTo("connection refused or unreachable").doesNotContain("tokenpart");
  }

  @Test
  void aRequestTheHttpClientRefusesIsNotRetried() throws Exception {
    HttpPoster refusing = (url, headers, body, timeout) -> {
      throw new IllegalArgumentException("invalid header value for " + url);
    };
    Sender.Outcome o = sender(refusing, RETRY).withRetries(new byte[0], () -> false);
    assertThat(o.attempts()).isEqualTo(1);
    assertThat(o.last().problem()).isEqualTo(
        "the HTTP client refused the request (IllegalArgumentException); check the destination's headers");
    assertThat(slept).isEmpty();
  }

  @Test
  void stoppingEndsRetriesAfterTheCurrentAttempt() throws Exception {
    ScriptedPoster poster = new ScriptedPoster(500, 500, 500);
    Sender.Outcome o = sender(poster, RETRY).withRetries(new byte[0], () -> true);
    assertThat(o.attempts()).isEqualTo(1);
    assertThat(slept).isEmpty();
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    assertThat(HttpPoster.retryAfter("12", clock)).contains(Duration.ofSeconds(12));
    assertThat(HttpPoster.retryAfter("Thu, 01 Jan 2026 00:00:30 GMT", clock)).contains(Duration.ofSeconds(30));
    assertThat(HttpPoster.retryAfter("soon", clock)).isEmpty();
    assertThat(HttpPoster.retryAfter("-3", clock)).isEmpty();
  }
}
