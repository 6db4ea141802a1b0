package io.dso.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.config.NotificationDestination;
import io.dso.config.RetrySettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-destination queue: bounded (oldest dropped and counted), and a stop that does not wait long. */
class DeliveryTest {
  private static final NotificationDestination DEST = new NotificationDestination("ops", NotificationDestination.Type.WEBHOOK,
      URI.create("http://127.0.0.1:9/h"), Set.of("rotation_success"), Map.of(), Duration.ofSeconds(1));

  @Test
  void aFullQueueDropsTheOldestAndCountsIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch first = new CountDownLatch(1);
    List<String> sent = new CopyOnWriteArrayList<>();
    HttpPoster blocking = (url, headers, body, timeout) -> {
      first.countDown();
      release.await();
      sent.add(new String(body, StandardCharsets.UTF_8));
      return new HttpPoster.Reply(204, Optional.empty());
    };
    try (Delivery d = new Delivery(new Sender(DEST, new RetrySettings(1, Duration.ZERO, Duration.ZERO), blocking,
        x -> {}, new SplittableRandom(1)))) {
      d.offer("e", "first".getBytes(StandardCharsets.UTF_8));
      assertThat(first.await(5, TimeUnit.SECONDS)).isTrue(); // "first" is in flight, the queue is empty
      for (int i = 0; i < Delivery.CAPACITY + 3; i++) {
        d.offer("e", ("n" + i).getBytes(StandardCharsets.UTF_8));
      }
      assertThat(d.dropped()).isEqualTo(3);
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (d.delivered() < Delivery.CAPACITY + 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(sent).hasSize(Delivery.CAPACITY + 1).startsWith("first", "n3").endsWith("n" + (Delivery.CAPACITY + 2));
    }
  }

  @Test
  @Timeout(30) // without the cut, close() would wait out an hour of backoff
  void closeCutsARetryingDeliveryShortWithinTheDrainBound() throws Exception {
    CountDownLatch attempted = new CountDownLatch(1);
    HttpPoster failing = (url, headers, body, timeout) -> {
      attempted.countDown();
      return new HttpPoster.Reply(503, Optional.empty());
    };
    // A real sleeper: the backoff (an hour) is what close() must cut short.
    Delivery d = new Delivery(new Sender(DEST, new RetrySettings(5, Duration.ofHours(1), Duration.ofHours(1)), failing,
        Thread::sleep, new SplittableRandom(1)));
    d.offer("e", new byte[0]);
    assertThat(attempted.await(5, TimeUnit.SECONDS)).isTrue();
    d.close();
    assertThat(d.failed()).isEqualTo(1);
    assertThat(d.delivered()).isZero();
  }
}
