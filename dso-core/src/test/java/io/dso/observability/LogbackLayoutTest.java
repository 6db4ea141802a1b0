package io.dso.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.LogText;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shipped logback.xml: every line, whatever the call site passes, is redacted, escaped and capped. */
class LogbackLayoutTest {
  private static final Logger LOG = LoggerFactory.getLogger(LogbackLayoutTest.class);
  private final PrintStream originalErr = System.err;

  @AfterEach
  void restore() {
    System.setErr(originalErr);
    LogSafety.use(null);
  }

  private String captured(Runnable logging) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    logging.run();
    System.err.flush();
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anArgumentWithANewlineCannotStartASecondLine() {
    String out = captured(() -> LOG.warn("label value {}", "x\n2026-01-01T00:00:00.000Z ERROR Agent - forged\u001b[2J"));

    assertThat(out.lines()).hasSize(1);
    assertThat(out).contains("x\\n2026-01-01T00:00:00.000Z ERROR Agent - forged\\e[2J");
  }

  @Test
  void aRememberedValueIsRedactedWhereverItAppears() {
    Redactor r = new Redactor();
    String canary = "CANARY-" + System.nanoTime();
    r.remember("s", List.of(canary));
    LogSafety.use(r);

    String out = captured(() -> {
      LOG.info("retrying: upstream said {}", canary);
      LOG.warn("failed", new IllegalStateException("boom " + canary + "\nforged line"));
    });

    assertThat(out).doesNotContain(canary).contains("[REDACTED]");
    assertThat(out.lines()).allMatch(l -> l.startsWith("\t") || l.matches("^\\d{4}-.*"));
  }

  @Test
  void aHugeMessageIsCapped() {
    String out = captured(() -> LOG.info("config value {}", "v".repeat(70_000)));

    assertThat(out.length()).isLessThan(LogText.MAX_LINE + 200);
    assertThat(out).contains("...(70013 chars)");
  }
}
