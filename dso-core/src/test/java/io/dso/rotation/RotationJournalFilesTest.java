package io.dso.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How journal files reach the disk: 0600 from creation, and never written through a planted link. */
class RotationJournalFilesTest {
  @TempDir Path state;

  @Test
  void journalFilesAreMode0600() throws Exception {
    RotationJournal j = new RotationJournal(state, null);

    j.begin("web", "rolling", "old-id", "2026-11-29T00:00:00Z");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("rotations/web.json"))))
        .isEqualTo("rw-------");
  }

  @Test
  void aLinkPlantedAtTheTemporaryPathIsReplacedNotWrittenThrough() throws Exception {
    RotationJournal j = new RotationJournal(state, null);
    Path victim = Files.writeString(state.resolve("victim"), "untouched");
    Files.createSymbolicLink(state.resolve("rotations/.web.tmp"), victim);

    j.begin("web", "rolling", "old-id", "2026-11-29T00:00:00Z");

    assertThat(Files.readString(victim)).isEqualTo("untouched");
    assertThat(j.pending()).hasSize(1);
  }
}
