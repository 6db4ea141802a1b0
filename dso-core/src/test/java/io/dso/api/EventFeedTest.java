package io.dso.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFeedTest {
  private final EventFeed feed = new EventFeed();

  private static Map<String, Object> record(String event, int n) {
    return Map.of("event", event, "n", n);
  }

  @Test
  void keepsTheLast500NewestLast() {
    for (int n = 0; n < 600; n++) {
      feed.accept(record("secret_fetch", n));
    }
    assertThat(feed.recent(500)).hasSize(500);
    assertThat(feed.recent(500).getFirst()).containsEntry("n", 100);
    assertThat(feed.recent(500).getLast()).containsEntry("n", 599);
    assertThat(feed.recent(2)).extracting(r -> r.get("n")).containsExactly(598, 599);
  }

  @Test
  void streamsGetRecordsLiveAndEndWhenTheAgentStops() throws InterruptedException {
    EventFeed.Subscription s = feed.subscribe();
    feed.accept(record("secret_fetch", 1));
    feed.accept(record("agent_stop", 2));

    assertThat(s.next(Duration.ofSeconds(1))).containsEntry("n", 1);
    assertThat(s.next(Duration.ofSeconds(1))).containsEntry("event", "agent_stop");
    assertThat(s.next(Duration.ofSeconds(1))).isSameAs(EventFeed.END);
    assertThat(feed.subscribe()).as("closed feed").isNull();
  }

  @Test
  void atMost32StreamsAndClosingOneFreesASlot() {
    List<EventFeed.Subscription> open = new ArrayList<>();
    for (int n = 0; n < EventFeed.MAX_STREAMS; n++) {
      open.add(feed.subscribe());
    }
    assertThat(open).doesNotContainNull();
    assertThat(feed.subscribe()).isNull();
    open.getFirst().close();
    assertThat(feed.subscribe()).isNotNull();
  }

  @Test
  void aReaderThatFallsBehindIsEndedInsteadOfBlockingTheAuditLog() throws InterruptedException {
    EventFeed.Subscription slow = feed.subscribe();
    for (int n = 0; n < EventFeed.BACKLOG + 10; n++) {
      feed.accept(record("secret_fetch", n));
    }
    assertThat(feed.streams()).isZero();
    Map<String, Object> last = null;
    for (Map<String, Object> r = slow.next(Duration.ZERO); r != null; r = slow.next(Duration.ZERO)) {
      last = r;
    }
    assertThat(last).isSameAs(EventFeed.END);
  }

  @Test
  void idleStreamTimesOutWithNullForAKeepalive() throws InterruptedException {
    assertThat(feed.subscribe().next(Duration.ofMillis(10))).isNull();
  }
}
