package io.dso.cli;

import io.dso.observability.LogSafety;
import io.dso.observability.SafeThrowableConverter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one clear line on stderr and exit code 1; the stack
 * trace only with {@code --debug} (or {@code DSO_DEBUG=1}).
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
    boolean debug =
        "1".equals(System.getenv("DSO_DEBUG"))
            || Arrays.asList(parseResult.originalArgs().toArray(String[]::new)).contains("--debug");
    String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    // Messages may quote paths, names and library text: one redacted, escaped, capped line.
    cli.getErr().println("dso: error: " + LogSafety.message(message));
    if (debug) {
      cli.getErr().print(SafeThrowableConverter.render(ex));
    }
    cli.getErr().flush();
    return 1;
  }
}
