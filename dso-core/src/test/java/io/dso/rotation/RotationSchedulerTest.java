package io.dso.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.rotation.RotationEngine.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's scheduling without Docker: the work is a stand-in that records who runs when. */
class RotationSchedulerTest {
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void destroyAndCreateChurnOfOneNameNeverRunsTwoRotationsAtOnce() throws Exception {
    Map<String, AtomicInteger> inside = new ConcurrentHashMap<>();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    RotationScheduler s = new RotationScheduler(8, executor, (name, reason) -> {
      int now = inside.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
      maxInside.accumulateAndGet(now, Math::max);
      runs.incrementAndGet();
      Thread.sleep(ThreadLocalRandom.current().nextInt(0, 3));
      inside.get(name).decrementAndGet();
    });
    List<Thread> churn = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      churn.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 2_000; i++) {
          String name = "svc-" + (i % 2);
          // what the event stream does for create/start (request) and destroy (forget), interleaved
          if (ThreadLocalRandom.current().nextBoolean()) {
            s.request(name, Reason.CONTAINER);
          } else {
            s.forget(name);
          }
        }
      }));
    }
    for (Thread t : churn) {
      t.join(60_000);
    }
    assertThat(s.stop(Duration.ofSeconds(30), () -> { }, Duration.ZERO)).isTrue();

    assertThat(runs.get()).isPositive();
    assertThat(maxInside.get()).as("rotations of one name at once").isEqualTo(1);
  }

  @Test
  void requestsDuringARotationQueueExactlyOneFollowUpForTheStrongestReason() throws Exception {
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    List<Reason> seen = new CopyOnWriteArrayList<>();
    RotationScheduler s = new RotationScheduler(2, executor, (name, reason) -> {
      seen.add(reason);
      if (seen.size() == 1) {
        inFirst.countDown();
        releaseFirst.await();
      }
    });

    var first = s.request("svc", Reason.CONTAINER);
    inFirst.await();
    s.request("svc", Reason.CONTAINER);
    s.request("svc", Reason.CHANGE);
    s.request("svc", Reason.RETRY);
    releaseFirst.countDown();
    first.get(10, TimeUnit.SECONDS);

    assertThat(seen).containsExactly(Reason.CONTAINER, Reason.CHANGE);
  }

  @Test
  void aContainerHeldByRecoveryIsNotRotatedUntilReleasedThenItsFollowUpRuns() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    CountDownLatch ran = new CountDownLatch(1);
    RotationScheduler s = new RotationScheduler(2, executor, (name, reason) -> {
      log.add("rotate " + name);
      ran.countDown();
    });

    assertThat(s.tryHold("svc")).isTrue();
    s.request("svc", Reason.CHANGE);
    log.add("recovered svc");
    s.release("svc");

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(log).containsExactly("recovered svc", "rotate svc");
  }

  @Test
  void recoveryCannotHoldAContainerWhoseRotationIsInFlight() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    RotationScheduler s = new RotationScheduler(2, executor, (name, reason) -> {
      inside.countDown();
      done.await();
    });

    s.request("svc", Reason.CHANGE);
    inside.await();

    assertThat(s.tryHold("svc")).isFalse();
    assertThat(s.tryHold("other")).isTrue();
    done.countDown();
  }

  @Test
  void stopLetsRunningRotationsFinishWithinTheDrainAndStartsNoNewOnes() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger aborts = new AtomicInteger();
    RotationScheduler s = new RotationScheduler(2, executor, (name, reason) -> {
      runs.incrementAndGet();
      inside.countDown();
      Thread.sleep(300);
    });
    s.request("svc", Reason.CHANGE);
    inside.await();
    s.request("svc", Reason.CHANGE); // a follow-up that must not start once stopping

    boolean idle = s.stop(Duration.ofSeconds(30), aborts::incrementAndGet, Duration.ofSeconds(1));
    s.request("late", Reason.CHANGE);

    assertThat(idle).isTrue();
    assertThat(aborts).hasValue(0);
    assertThat(runs).hasValue(1);
    assertThat(s.running()).isZero();
  }

  @Test
  void aRotationStillRunningAtTheDrainDeadlineIsAbortedAndWaitedFor() throws Exception {
    StopSignal stop = new StopSignal();
    CountDownLatch inside = new CountDownLatch(1);
    List<String> log = new CopyOnWriteArrayList<>();
    RotationScheduler s = new RotationScheduler(2, executor, (name, reason) -> {
      inside.countDown();
      if (stop.sleep(Duration.ofMinutes(5))) {
        log.add("rolled back after abort");
      }
    });
    s.request("svc", Reason.CHANGE);
    inside.await();

    boolean idle = s.stop(Duration.ofMillis(200), () -> {
      log.add("abort");
      stop.fire();
    }, Duration.ofSeconds(30));

    assertThat(idle).isTrue();
    assertThat(log).containsExactly("abort", "rolled back after abort");
  }

  @Test
  void stopReportsRotationsThatOutliveTheRollbackBound() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    RotationScheduler s = new RotationScheduler(2, executor, (name, reason) -> {
      inside.countDown();
      never.await();
    });
    s.request("svc", Reason.CHANGE);
    inside.await();

    assertThat(s.stop(Duration.ofMillis(50), () -> { }, Duration.ofMillis(50))).isFalse();
    assertThat(s.running()).isEqualTo(1);
    never.countDown();
  }
}
