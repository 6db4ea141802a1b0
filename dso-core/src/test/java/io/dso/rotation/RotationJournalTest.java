package io.dso.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotation journal: one fsync'd file per rotation in progress, names/ids/steps only. */
class RotationJournalTest {
  static final List<String> ROLLING = List.of("created", "started", "healthy", "renamed_old", "renamed_new", "stopped_old", "removed_old");
  static final List<String> RESTART = List.of("created", "stopped_old", "renamed_old", "renamed_new", "started", "healthy", "removed_old");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path state;

  @Test
  void writePendingFinishRoundTrip() throws Exception {
    RotationJournal j = new RotationJournal(state, null);
    assertThat(j.pending()).isEmpty();
    RotationJournal.Entry e = j.begin("web", "rolling", "old-id", "2026-11-29T00:00:00Z");
    assertThat(j.pending()).containsExactly(new RotationJournal.Entry("web", "rolling", "old-id", null, "begin", "2026-11-29T00:00:00Z"));
    e = j.step(e, "created", "new-id");
    e = j.step(e, "started", null);
    // a fresh journal on the same state dir (the agent after a crash) sees the same progress
    List<RotationJournal.Entry> afterCrash = new RotationJournal(state, "").pending();
    assertThat(afterCrash).containsExactly(new RotationJournal.Entry("web", "rolling", "old-id", "new-id", "started", "2026-11-29T00:00:00Z"));
    assertThat(Files.exists(state.resolve("rotations/web.json"))).isTrue();
    j.finish(e);
    assertThat(j.pending()).isEmpty();
    assertThat(listing()).isEmpty();
  }

  @Test
  void oneFilePerContainerAndNoTemporaryFilesLeft() throws Exception {
    RotationJournal j = new RotationJournal(state, null);
    RotationJournal.Entry a = j.begin("a", "restart", "a-old", "t");
    RotationJournal.Entry b = j.begin("b", "rolling", "b-old", "t");
    a = j.step(a, "created", "a-new");
    b = j.step(b, "created", "b-new");
    assertThat(listing()).containsExactly("a.json", "b.json");
    assertThat(j.pending()).extracting(RotationJournal.Entry::container).containsExactly("a", "b");
    j.finish(a);
    assertThat(j.pending()).extracting(RotationJournal.Entry::container).containsExactly("b");
  }

  @Test
  void fileHoldsOnlyNamesIdsAndSteps() throws Exception {
    String canary = "CANARY-journal-5f0e2a";
    RotationJournal j = new RotationJournal(state, null);
    j.delivering("svc", List.of("app/db"));
    RotationJournal.Entry e = j.begin("svc", "rolling", "old", "2026-11-29T00:00:00Z");
    e = j.step(e, "created", "new");
    String text = Files.readString(state.resolve("rotations/svc.json"));
    JsonNode node = JSON.readTree(text);
    List<String> fields = new ArrayList<>();
    node.properties().forEach(f -> fields.add(f.getKey()));
    assertThat(fields).containsExactlyInAnyOrder("container", "strategy", "oldId", "newId", "step", "startedAt", "secrets");
    assertThat(node.get("step").asText()).isEqualTo("created");
    assertThat(j.pending()).singleElement().extracting(RotationJournal.Entry::secrets).isEqualTo(List.of("app/db"));
    assertThat(text).doesNotContain(canary).doesNotContainIgnoringCase("value").doesNotContainIgnoringCase("env");
    j.finish(e);
  }

  @Test
  void unreadableEntryIsIgnoredAndRemoved() throws Exception {
    RotationJournal j = new RotationJournal(state, null);
    Files.writeString(state.resolve("rotations/broken.json"), "{not json");
    j.begin("ok", "restart", "x", "t");
    assertThat(j.pending()).extracting(RotationJournal.Entry::container).containsExactly("ok");
    assertThat(listing()).containsExactly("ok.json");
  }

  /** The crash seam is off by default and only fires on its exact strategy:step (else this JVM would halt). */
  @Test
  void crashSeamIsOffByDefaultAndMatchesOnlyItsStrategyAndStep() {
    for (String seam : new String[] {null, "", "restart:removed_old", "rolling:", "rolling", ":created", "ROLLING:created"}) {
      RotationJournal j = new RotationJournal(state, seam);
      RotationJournal.Entry r = j.begin("r", "rolling", "o", "t");
      for (String step : ROLLING) {
        if (!("rolling:" + step).equals(seam)) {
          r = j.step(r, step, "n");
        }
      }
      j.finish(r);
      RotationJournal.Entry s = j.begin("s", "restart", "o", "t");
      for (String step : RESTART) {
        if (!("restart:" + step).equals(seam)) {
          s = j.step(s, step, "n");
        }
      }
      j.finish(s);
    }
    assertThat(new RotationJournal(state, null).pending()).isEmpty();
  }

  private List<String> listing() throws Exception {
    try (Stream<Path> s = Files.list(state.resolve("rotations"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
