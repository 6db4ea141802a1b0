package io.dso.notify;

import io.dso.config.NotificationDestination;
import io.dso.config.NotificationSettings;
import io.dso.observability.Redactor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The agent's notifications: subscribed to the audit stream, it turns rotation and provider records
 * into notifications and hands each wanted one to its destination's {@link Delivery} queue, so the
 * audit writer never waits on the network. {@link #close} drains every queue for at most
 * {@link Delivery#DRAIN} in total.
 */
public final class Notifier implements Consumer<Map<String, Object>>, AutoCloseable {
  private final NotificationSettings settings;
  private final NotificationRules rules;
  private final Payloads payloads;
  private final HttpPoster poster;
  private final List<Delivery> deliveries = new ArrayList<>();
  private final NotificationTester tester;
  private volatile boolean closed;

  Notifier(NotificationSettings settings, Redactor redactor, Clock clock, HttpPoster poster, Sleeper sleeper,
      RandomGenerator random, String host) {
    this.settings = settings;
    this.rules = new NotificationRules(clock, settings.providerOutageAfter(), host);
    this.payloads = new Payloads(redactor);
    this.poster = poster;
    for (NotificationDestination d : settings.destinations()) {
      deliveries.add(new Delivery(new Sender(d, settings.retry(), poster, sleeper, random)));
    }
    this.tester = new NotificationTester(settings, payloads, poster, clock, host);
  }

  /** Starts the delivery threads of {@code settings} (none when no destination is configured). */
  public static Notifier start(NotificationSettings settings, Redactor redactor, Clock clock, Map<String, String> env) {
    return new Notifier(settings, redactor, clock, HttpPoster.jdk(clock), Thread::sleep, RandomGenerator.getDefault(),
        NotificationTester.hostName(env));
  }

  /** An audit record, already redacted; called on the audit writer's caller thread, so it only queues. */
  @Override
  public void accept(Map<String, Object> record) {
    if (closed || deliveries.isEmpty()) {
      return;
    }
    for (Notification n : rules.on(record)) {
      for (int i = 0; i < deliveries.size(); i++) {
        NotificationDestination d = settings.destinations().get(i);
        if (d.wants(n.event())) {
          deliveries.get(i).offer(n.event(), payloads.body(d.type(), n));
        }
      }
    }
  }

  /** Sends a test message now (one attempt per destination); see {@link NotificationTester#test}. */
  public List<NotificationTester.Result> test(String nameOrNull) throws InterruptedException {
    return tester.test(nameOrNull);
  }

  /** Stops accepting records, sends what is queued within one second in total, then closes the client. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    deliveries.forEach(Delivery::stop);
    long deadline = System.nanoTime() + Delivery.DRAIN.toNanos();
    deliveries.forEach(d -> d.awaitStopped(deadline));
    poster.close();
  }
}
