package io.dso.cli.diag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tables, the status view, masked fetch output and event lines, as people see them. */
class RenderingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CANARY = "canary-render-41c0";

  @Test
  void tableColumnsAlignToTheWidestCellAndNullsPrintAsDash() {
    Table t = new Table("NAME", "V", "NOTE").row("a", "12345", null).row("longer-name", "1", "x\ny");
    assertThat(t.lines(2)).containsExactly(
        "  NAME         V      NOTE",
        "  a            12345  -",
        "  longer-name  1      x y");
  }

  @Test
  void statusViewRendersEverySectionAlignedWithoutColourOffATerminal() throws Exception {
    JsonNode status = JSON.readTree("""
        {"agent":{"version":"1.2.3","pid":42,"uptime_seconds":192,"ready":true,"docker":"connected",
                  "docker_host":"unix:///d.sock","config":"/etc/dso.yaml"},
         "providers":[{"name":"vault","type":"vault","healthy":false,"secrets":2,
                       "last_success":"2026-12-01T09:59:50Z","last_error":"db: permission denied",
                       "last_error_at":"2026-12-01T09:59:00Z"}],
         "secrets":[{"name":"db","provider":"vault","version":"0123456789ab","age_seconds":10,"rotation":true,
                     "inject":"env","containers":["web","worker"]},
                    {"name":"api-key","provider":"vault","version":null,"age_seconds":null,"rotation":false,
                     "inject":"file","containers":[]}],
         "containers":[{"name":"web","id":"abcabcabcabc","secrets":["db"],"strategy":null}],
         "rotations":[{"at":"2026-12-01T09:58:00Z","secret":"db","container":"web","strategy":"rolling",
                       "result":"success","duration_ms":1500,"error":null}]}
        """);
    List<String> lines = new StatusView(new Terminal(false)).render(status, Instant.parse("2026-12-01T10:00:00Z"));
    String text = String.join("\n", lines);
    assertThat(text).doesNotContain("\u001b[");
    assertThat(lines.getFirst()).isEqualTo("AGENT  dso 1.2.3, pid 42, up 3m12s, ready, docker connected (unix:///d.sock)");
    assertThat(lines).contains(
        "PROVIDERS",
        "  NAME   TYPE   HEALTHY  SECRETS  LAST SUCCESS  LAST ERROR",
        "  vault  vault  no       2        10s ago       1m00s ago: db: permission denied",
        "SECRETS",
        "  NAME     PROVIDER  VERSION       AGE  ROTATION  INJECT  CONTAINERS",
        "  db       vault     0123456789ab  10s  on        env     web, worker",
        "  api-key  vault     -             -    off       file    -",
        "  web   abcabcabcabc  db       (from config)",
        "  2m00s ago  db      web        rolling   success  1500 ms   -");
  }

  @Test
  void emptySectionsSayWhyTheyAreEmpty() throws Exception {
    JsonNode status = JSON.readTree("""
        {"agent":{"docker":"unreachable"},"providers":[],"secrets":[],"containers":[],"rotations":[]}""");
    List<String> lines = new StatusView(new Terminal(false)).render(status, Instant.now());
    assertThat(lines).contains("  no providers configured", "  unknown: Docker is unreachable",
        "  no rotations since the agent started");
  }

  @Test
  void colourIsOnlyAddedWhenAskedFor() {
    assertThat(new Terminal(true).red("FAIL")).isEqualTo("\u001b[31mFAIL\u001b[0m");
    assertThat(new Terminal(false).red("FAIL")).isEqualTo("FAIL");
  }

  @Test
  void fetchMasksEveryValueButKeepsKeysAndMetadata() throws Exception {
    JsonNode answer = JSON.readTree("{\"secret\":\"db\",\"version\":\"0123456789ab\",\"provider\":\"p\","
        + "\"data\":{\"USER\":\"" + CANARY + "-u\",\"PASSWORD\":\"" + CANARY + "\"}}");
    JsonNode masked = FetchCommand.masked(answer);
    assertThat(masked.toString()).doesNotContain(CANARY);
    assertThat(masked.at("/data/PASSWORD").asText()).isEqualTo(FetchCommand.MASK);
    assertThat(masked.at("/data/USER").asText()).isEqualTo(FetchCommand.MASK);
    assertThat(masked.at("/version").asText()).isEqualTo("0123456789ab");
    assertThat(masked.path("masked").asBoolean()).isTrue();
    assertThat(FetchCommand.masked(JSON.readTree("[\"" + CANARY + "\"]")).toString()).doesNotContain(CANARY);
  }

  @Test
  void anEventIsOneLineEvenWhenAFieldHoldsANewline() throws Exception {
    JsonNode r = JSON.readTree("""
        {"timestamp":"2026-12-01T10:00:00Z","level":"audit","event":"secret_rotate","user":"system",
         "provider":"p","secret_name":"db","container_id":"abc","status":"failed",
         "strategy":"rolling","error":"gate\\nforged line"}""");
    String line = EventLine.format(r);
    assertThat(line).doesNotContain("\n");
    assertThat(line).isEqualTo("2026-12-01T10:00:00Z  secret_rotate  failed secret=db provider=p container=abc"
        + " user=system strategy=rolling error=\"gate\\nforged line\"");
  }

  @Test
  void durationsAreShortAndHuman() {
    assertThat(Terminal.duration(5L)).isEqualTo("5s");
    assertThat(Terminal.duration(3725L)).isEqualTo("1h02m");
    assertThat(Terminal.duration(90_000L)).isEqualTo("1d01h");
    assertThat(Terminal.duration(null)).isEqualTo("-");
  }
}
