package io.dso.notify;

import io.dso.config.NotificationDestination;
import io.dso.config.RetrySettings;
import io.dso.provider.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * Sends a body to one destination: once, or with retries (exponential backoff with jitter,
 * honouring Retry-After) on 5xx, 429 and network errors; other 4xx answers are final. Outcomes
 * name the destination and status, never its URL (a Slack webhook URL is itself a credential).
 */
final class Sender {
  /** One attempt: the HTTP status (null when none came back), its time, and a URL-free problem. */
  record Attempt(Integer status, Duration took, String problem, Optional<Duration> retryAfter, boolean refused) {
    boolean ok() {
      return status != null && status >= 200 && status < 300;
    }

    /** 5xx, 429 and network errors; not a request the HTTP client itself refused to send. */
    boolean retryable() {
      return !refused && (status == null || status == 429 || status >= 500);
    }
  }

  /** How a delivery ended after {@code attempts} tries. */
  record Outcome(boolean delivered, int attempts, Attempt last) {}

  private final NotificationDestination destination;
  private final RetrySettings retry;
  private final HttpPoster poster;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  Sender(NotificationDestination destination, RetrySettings retry, HttpPoster poster, Sleeper sleeper, RandomGenerator random) {
    this.destination = destination;
    this.retry = retry;
    this.poster = poster;
    this.sleeper = sleeper;
    this.random = random;
  }

  NotificationDestination destination() {
    return destination;
  }

  Attempt once(byte[] body) throws InterruptedException {
    long t0 = System.nanoTime();
    try {
      HttpPoster.Reply reply = poster.post(destination.url(), destination.headers(), body, destination.timeout());
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      return new Attempt(reply.status(), took, reply.status() >= 200 && reply.status() < 300 ? null : "HTTP " + reply.status(),
          reply.retryAfter(), false);
    } catch (IOException e) {
      // The exception's text may quote the URL: only its kind is kept.
      return new Attempt(null, Duration.ofNanos(System.nanoTime() - t0), networkProblem(e), Optional.empty(), false);
    } catch (RuntimeException e) {
      // e.g. a header value the HTTP client will not send: trying again cannot help
      return new Attempt(null, Duration.ofNanos(System.nanoTime() - t0),
          "the HTTP client refused the request (" + e.getClass().getSimpleName() + "); check the destination's headers",
          Optional.empty(), true);
    }
  }

  /**
   * Up to {@code retry.attempts} tries; stops early (undelivered) when {@code stopping} turns true or
   * the thread is interrupted.
   */
  Outcome withRetries(byte[] body, BooleanSupplier stopping) throws InterruptedException {
    Backoff backoff = new Backoff(retry.backoff(), retry.maxBackoff());
    Attempt last = null;
    for (int n = 1; n <= retry.attempts(); n++) {
      last = once(body);
      if (last.ok()) {
        return new Outcome(true, n, last);
      }
      if (!last.retryable() || n == retry.attempts() || stopping.getAsBoolean()) {
        return new Outcome(false, n, last);
      }
      sleeper.sleep(backoff.delay(n, random, last.retryAfter().orElse(null)));
    }
    return new Outcome(false, retry.attempts(), last);
  }

  static String networkProblem(IOException e) {
    String kind = e.getClass().getSimpleName();
    return switch (kind) {
      case "HttpTimeoutException", "HttpConnectTimeoutException" -> "timed out";
      case "ConnectException" -> "connection refused or unreachable";
      default -> "network error (" + kind + ")";
    };
  }
}
