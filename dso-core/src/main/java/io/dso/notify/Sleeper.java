package io.dso.notify;

import java.time.Duration;

/** How a sender waits between attempts: {@code Thread::sleep} in the agent, a recording fake in tests. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;
}
