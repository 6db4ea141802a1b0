package io.dso.cli;

import io.dso.api.ApiException;
import io.dso.observability.LogSafety;
import io.dso.observability.SafeThrowableConverter;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import java.nio.file.AccessDeniedException;
import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one clear line on stderr and an exit code from
 * {@link ExitCodes}; the stack trace only with {@code --debug} (or {@code DSO_DEBUG=1}).
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
    String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    // Messages may quote paths, names and library text: one redacted, escaped, capped line.
    cli.getErr().println("dso: error: " + LogSafety.message(message));
    if (debug(parseResult)) {
      cli.getErr().print(SafeThrowableConverter.render(ex));
    }
    cli.getErr().flush();
    return exitCode(ex);
  }

  /** The exit code of a failure: what the agent answered, else what kind of refusal it was. */
  static int exitCode(Throwable ex) {
    // A wrapped cause counts too (an executor's ExecutionException, an UncheckedIOException), but
    // the chain is bounded: a cyclic cause must not hang the CLI.
    Throwable t = ex;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof ApiException api) {
        return switch (api.status()) {
          case 404 -> ExitCodes.NOT_FOUND;
          case 401, 403 -> ExitCodes.PERMISSION_DENIED;
          case 503 -> ExitCodes.AGENT_UNREACHABLE;
          default -> ExitCodes.FAILURE;
        };
      }
      if (t instanceof SecretNotFoundException) {
        return ExitCodes.NOT_FOUND;
      }
      if (t instanceof SecretAccessDeniedException || t instanceof AccessDeniedException) {
        return ExitCodes.PERMISSION_DENIED;
      }
    }
    return ExitCodes.FAILURE;
  }

  /** {@code --debug} anywhere on the command line (it is global), or {@code DSO_DEBUG=1}. */
  static boolean debug(CommandLine.ParseResult parseResult) {
    if ("1".equals(System.getenv("DSO_DEBUG"))) {
      return true;
    }
    for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
      if (pr.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }
}
