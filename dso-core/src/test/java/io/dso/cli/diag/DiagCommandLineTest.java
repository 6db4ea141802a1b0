package io.dso.cli.diag;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.cli.DsoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The diagnostics commands are registered, their help renders, and bad input is a usage error (exit 2). */
class DiagCommandLineTest {
  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new DsoCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void everyDiagnosticsCommandHasHelpThatNamesItsOptionsAndExitCodes() {
    for (String command : List.of("status", "doctor", "sync", "fetch", "watch", "logs")) {
      Run r = run(command, "--help");
      assertThat(r.exit()).as(command).isZero();
      assertThat(r.out()).as(command).contains("Usage: dso " + command, "--json", "--socket", "Exit codes:");
    }
  }

  @Test
  void badInputIsAUsageErrorWithExitTwo() {
    assertThat(run("fetch").exit()).isEqualTo(2);                  // NAME is required
    assertThat(run("status", "--no-such-flag").exit()).isEqualTo(2);
    Run tail = run("logs", "--tail", "501");
    assertThat(tail.exit()).isEqualTo(2);
    assertThat(tail.err()).contains("--tail must be from 0 to 500");
  }

  @Test
  void theAgentsRefusalsMapToDocumentedExitCodes() {
    assertThat(AgentCall.exitCode(404)).isEqualTo(4);
    assertThat(AgentCall.exitCode(403)).isEqualTo(5);
    assertThat(AgentCall.exitCode(401)).isEqualTo(5);
    assertThat(AgentCall.exitCode(500)).isEqualTo(1);
    assertThat(AgentCall.exitCode(503)).isEqualTo(1);
  }
}
