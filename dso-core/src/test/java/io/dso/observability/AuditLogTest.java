package io.dso.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.DsoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CONTRACT_KEYS =
      List.of("timestamp", "level", "event", "user", "provider", "secret_name", "container_id", "status");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-04-01T10:30:00Z"), ZoneId.of("UTC"));

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Redactor redactor = new Redactor();

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.properties().forEach(e -> keys.add(e.getKey()));
    return keys;
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  @Test
  void everyRecordStartsWithTheEightContractKeysInOrderThenExtras() {
    AuditLog log = AuditLog.toStream(out, CLOCK, redactor);

    log.record(
        new AuditEvent("audit", "secret_inject", "system", "vault", "prod/db-creds", null, "success", Map.of())
            .withContainer("abc123fed456789012345")
            .withExtra("strategy", "rolling")
            .withExtra("duration_ms", 42L));

    JsonNode r = parse(lines().getFirst());
    assertThat(keys(r)).containsExactly(
        "timestamp", "level", "event", "user", "provider", "secret_name", "container_id", "status",
        "strategy", "duration_ms");
    assertThat(r.get("level").asText()).isEqualTo("audit");
    assertThat(r.get("event").asText()).isEqualTo("secret_inject");
    assertThat(r.get("user").asText()).isEqualTo("system");
    assertThat(r.get("provider").asText()).isEqualTo("vault");
    assertThat(r.get("secret_name").asText()).isEqualTo("prod/db-creds");
    assertThat(r.get("container_id").asText()).isEqualTo("abc123fed456");
    assertThat(r.get("status").asText()).isEqualTo("success");
    assertThat(r.get("duration_ms").isIntegralNumber()).isTrue();
  }

  @Test
  void fieldsThatDoNotApplyArePresentAsJsonNull() {
    AuditLog log = AuditLog.toStream(out, CLOCK, redactor);

    log.record(new AuditEvent("info", "agent_start", null, null, null, null, null, Map.of()));

    String line = lines().getFirst();
    JsonNode r = parse(line);
    assertThat(keys(r)).containsExactlyElementsOf(CONTRACT_KEYS);
    for (String k : List.of("user", "provider", "secret_name", "container_id", "status")) {
      assertThat(r.get(k).isNull()).as(k).isTrue();
    }
    assertThat(line).contains("\"container_id\":null");
  }

  @Test
  void auditFactoryUsesTheSystemUser() {
    AuditLog log = AuditLog.toStream(out, CLOCK, redactor);

    log.record(AuditEvent.audit("secret_purge", "aws", "s", "success"));

    JsonNode r = parse(lines().getFirst());
    assertThat(r.get("user").asText()).isEqualTo("system");
    assertThat(r.get("level").asText()).isEqualTo("audit");
  }

  @Test
  void extrasCannotOverrideContractKeys() {
    AuditLog log = AuditLog.toStream(out, CLOCK, redactor);

    log.record(AuditEvent.audit("secret_fetch", "aws", "s", "failed").withExtra("status", "success").withExtra("timestamp", "x"));

    String line = lines().getFirst();
    JsonNode r = parse(line);
    assertThat(r.get("status").asText()).isEqualTo("failed");
    assertThat(r.get("timestamp").asText()).isEqualTo("2026-04-01T10:30:00Z");
    assertThat(line.split("\"status\"", -1)).hasSize(2);
  }

  @Test
  void timestampIsIso8601UtcEndingInZ() {
    Clock berlin = Clock.fixed(Instant.parse("2026-04-01T10:30:00.123456789Z"), ZoneId.of("Europe/Berlin"));
    AuditLog log = AuditLog.toStream(out, berlin, redactor);
    log.record(AuditEvent.audit("agent_start", null, null, "success"));
    AuditLog.toStream(out, CLOCK, redactor).record(AuditEvent.audit("agent_stop", null, null, "success"));

    List<String> lines = lines();
    assertThat(parse(lines.get(0)).get("timestamp").asText()).isEqualTo("2026-04-01T10:30:00.123Z");
    assertThat(parse(lines.get(1)).get("timestamp").asText()).isEqualTo("2026-04-01T10:30:00Z");
    for (String line : lines) {
      String ts = parse(line).get("timestamp").asText();
      assertThat(ts).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z");
      assertThat(Instant.parse(ts)).isNotNull();
    }
  }

  @Test
  void oneLinePerRecordEvenWithNewlinesInExtras() {
    AuditLog log = AuditLog.toStream(out, CLOCK, redactor);

    log.record(AuditEvent.audit("secret_fetch", "aws", "a", "failed").withExtra("error", "line one\nline two\r\n"));
    log.record(AuditEvent.audit("secret_fetch", "aws", "b", "success"));
    log.record(AuditEvent.audit("secret_fetch", "aws", "c", "success"));

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    List<String> lines = lines();
    assertThat(lines).hasSize(3);
    assertThat(parse(lines.get(0)).get("error").asText()).isEqualTo("line one\nline two\r\n");
    assertThat(lines).extracting(l -> parse(l).get("secret_name").asText()).containsExactly("a", "b", "c");
  }

  @Test
  void errorExtraIsRedacted() {
    String canary = "canary-" + UUID.randomUUID();
    redactor.remember(List.of(canary));
    AuditLog log = AuditLog.toStream(out, CLOCK, redactor);

    log.record(
        AuditEvent.audit("secret_fetch", "aws", "s", "failed")
            .withExtra("error", "backend said: unexpected token '" + canary + "' at 1:5"));

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain(canary);
    assertThat(parse(lines().getFirst()).get("error").asText())
        .isEqualTo("backend said: unexpected token '[REDACTED]' at 1:5");
  }

  @Test
  void subscribersSeeTheRedactedRecord() {
    String canary = "canary-" + UUID.randomUUID();
    redactor.remember(List.of(canary));
    AuditLog log = AuditLog.toStream(out, CLOCK, redactor);
    List<Map<String, Object>> seen = new ArrayList<>();
    log.subscribe(seen::add);

    log.record(AuditEvent.audit("secret_fetch", "aws", "s", "failed").withExtra("error", canary));

    assertThat(seen).singleElement().satisfies(r -> {
      assertThat(r).containsEntry("error", "[REDACTED]").containsEntry("event", "secret_fetch");
      assertThat(r.keySet()).startsWith(CONTRACT_KEYS.toArray(String[]::new));
    });
  }

  @Test
  void fileIsCreatedWithMode0600() throws IOException {
    Path file = dir.resolve("logs/sub/audit.log");
    try (AuditLog log = AuditLog.toFile(file, CLOCK, redactor)) {
      log.record(AuditEvent.audit("agent_start", null, null, "success"));
    }

    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void fileIsAppendedAcrossReopen() throws IOException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.toFile(file, CLOCK, redactor)) {
      log.record(AuditEvent.audit("agent_start", null, null, "success"));
    }
    try (AuditLog log = AuditLog.toFile(file, CLOCK, redactor)) {
      log.record(AuditEvent.audit("agent_stop", null, null, "success"));
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).extracting(l -> parse(l).get("event").asText()).containsExactly("agent_start", "agent_stop");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
  }

  @Test
  void concurrentRecordsNeverInterleave() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.toFile(file, CLOCK, redactor);
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 8; t++) {
        int thread = t;
        ex.submit(() -> {
          for (int i = 0; i < 10; i++) {
            log.record(AuditEvent.audit("secret_fetch", "p" + thread, "s" + i, "success").withExtra("pad", "x".repeat(500)));
          }
        });
      }
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(80);
    lines.forEach(l -> assertThat(keys(parse(l))).startsWith(CONTRACT_KEYS.toArray(String[]::new)));
  }

  @Test
  void unwritablePathIsAClearError() throws IOException {
    Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
    Path file = notADir.resolve("audit.log");

    DsoException e = catchThrowableOfType(DsoException.class, () -> AuditLog.toFile(file, CLOCK, redactor));

    assertThat(e.getMessage()).contains(file.toString(), "--audit-log");
  }

  @Test
  void writersInterruptedMidRecordNeitherLoseTheirRecordNorCloseTheLogForOthers() throws Exception {
    Path file = dir.resolve("audit.log");
    int threads = 16;
    int each = 50;
    try (AuditLog log = AuditLog.toFile(file, CLOCK, redactor)) {
      List<Thread> writers = new ArrayList<>();
      java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger keptFlag = new java.util.concurrent.atomic.AtomicInteger();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        writers.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < each; i++) {
            try {
              log.record(AuditEvent.audit("secret_fetch", "p" + thread, "s" + i, "success").withExtra("pad", "x".repeat(300)));
            } catch (RuntimeException e) {
              failures.incrementAndGet();
            }
            if (Thread.interrupted()) {
              keptFlag.incrementAndGet(); // the interrupt was kept for the caller, not swallowed
            }
          }
        }));
      }
      // interrupt every writer repeatedly while they write
      for (int round = 0; round < 200 && writers.stream().anyMatch(Thread::isAlive); round++) {
        writers.forEach(Thread::interrupt);
        Thread.sleep(1);
      }
      for (Thread w : writers) {
        w.join(30_000);
        assertThat(w.isAlive()).isFalse();
      }
      assertThat(failures).hasValue(0);
      assertThat(keptFlag.get()).isPositive();
      log.record(AuditEvent.audit("agent_stop", null, null, "success"));
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(threads * each + 1);
    lines.forEach(l -> assertThat(keys(parse(l))).startsWith(CONTRACT_KEYS.toArray(String[]::new)));
    assertThat(parse(lines.getLast()).get("event").asText()).isEqualTo("agent_stop");
  }

  @Test
  void aRecordAfterCloseIsRefusedWithoutBreakingTheFile() throws IOException {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file, CLOCK, redactor);
    log.record(AuditEvent.audit("agent_stop", null, null, "success"));
    log.close();

    log.record(AuditEvent.audit("secret_fetch", "p", "s", "success"));

    assertThat(Files.readAllLines(file)).hasSize(1);
  }

  @Test
  void aSymbolicLinkAtTheAuditPathIsRefusedAndItsTargetUntouched() throws IOException {
    Path target = Files.writeString(dir.resolve("precious"), "keep\n");
    Path link = Files.createSymbolicLink(dir.resolve("audit.log"), target);

    DsoException e = catchThrowableOfType(DsoException.class, () -> AuditLog.toFile(link, CLOCK, redactor));

    assertThat(e.getMessage()).contains(link.toString(), "symbolic link");
    assertThat(Files.readString(target)).isEqualTo("keep\n");
  }

  @Test
  void aLaxExistingLogIsTightenedTo0600() throws IOException {
    Path file = Files.writeString(dir.resolve("audit.log"), "");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    try (AuditLog log = AuditLog.toFile(file, CLOCK, redactor)) {
      log.record(AuditEvent.audit("agent_start", null, null, "success"));
    }

    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
  }
}
