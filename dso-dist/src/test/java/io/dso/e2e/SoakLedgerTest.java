package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's rule for "a rotation happened", over hand-written Docker event sequences. */
class SoakLedgerTest {
  private final List<SoakLedger.Event> events = new ArrayList<>();
  private long t;

  private void event(String action, String id, String name, String oldName) {
    events.add(new SoakLedger.Event(++t, action, id, name, oldName));
  }

  /** A rolling or restart rotation that worked: clone, old renamed away, clone takes the name, old removed. */
  private void rotation(String old, String clone) {
    event("create", clone, "web_dso_new", "");
    event("rename", old, "web_dso_old", "web");
    event("rename", clone, "web", "web_dso_new");
    event("destroy", old, "web_dso_old", "");
  }

  @Test
  void eachSuccessfulRotationAfterTheBaselinePromotesOneContainer() {
    event("create", "orig", "web", "");
    rotation("orig", "first");   // the first injection: before the baseline
    rotation("first", "second");
    rotation("second", "third");

    SoakLedger.Service s = SoakLedger.service(events, "web", "first");

    assertThat(s.promoted()).containsExactly("second", "third");
    assertThat(s.attempts()).isEqualTo(2);
    assertThat(s.bounced()).isEmpty();
    assertThat(s.abandoned()).isZero();
  }

  @Test
  void aRestartRotationThatGaveTheNameBackIsNotARotation() {
    event("create", "base", "web", "");
    event("create", "clone", "web_dso_new", "");
    event("rename", "base", "web_dso_old", "web");
    event("rename", "clone", "web", "web_dso_new");
    event("destroy", "clone", "web", "");            // failed health gate: the clone goes
    event("rename", "base", "web", "web_dso_old");   // and the old container gets its name back

    SoakLedger.Service s = SoakLedger.service(events, "web", "base");

    assertThat(s.promoted()).isEmpty();
    assertThat(s.bounced()).containsExactly("clone");
    assertThat(s.attempts()).isEqualTo(1);
  }

  @Test
  void aRollingCloneRemovedBeforeItTookTheNameIsAnAbandonedAttempt() {
    event("create", "base", "web", "");
    event("create", "clone", "web_dso_new", "");
    event("destroy", "clone", "web_dso_new", "");

    SoakLedger.Service s = SoakLedger.service(events, "web", "base");

    assertThat(s.promoted()).isEmpty();
    assertThat(s.abandoned()).isEqualTo(1);
  }

  @Test
  void aHolderSeenByALookCountsWhenItsRenameEventWasLost() {
    event("create", "base", "web", "");
    event("create", "clone", "web_dso_new", "");
    // the daemon restarted: the renames never reached the subscriber; a later look saw the clone under the name
    event("observed", "clone", "web", "");

    assertThat(SoakLedger.service(events, "web", "base").promoted()).containsExactly("clone");
  }
}
