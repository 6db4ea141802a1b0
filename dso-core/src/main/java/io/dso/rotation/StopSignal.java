package io.dso.rotation;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells rotations in progress that the agent's stop deadline has passed: a health gate then gives
 * up at once and the rotation rolls back. Threads are not interrupted for this, because an interrupt
 * would also break the Docker connection the rollback needs.
 */
public final class StopSignal {
  private final CountDownLatch fired = new CountDownLatch(1);

  public void fire() {
    fired.countDown();
  }

  public boolean fired() {
    return fired.getCount() == 0;
  }

  /** Waits {@code d}, or less when the signal fires; true when it has fired. */
  public boolean sleep(Duration d) throws InterruptedException {
    return fired.await(Math.max(0, d.toNanos()), TimeUnit.NANOSECONDS);
  }

  /** What a rotation step throws once the signal has fired. */
  public static final class Aborted extends io.dso.DsoException {
    private static final long serialVersionUID = 1L;

    public Aborted(String what) {
      super(what + " was cut short: the agent is stopping and its shutdown_timeout has passed");
    }
  }
}
