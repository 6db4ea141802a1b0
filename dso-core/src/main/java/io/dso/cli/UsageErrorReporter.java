package io.dso.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * A usage error (unknown command or option, bad value): one {@code dso: error:} line, picocli's
 * "did you mean" suggestions when it has any, then the usage of the command concerned; exit 2.
 */
final class UsageErrorReporter implements CommandLine.IParameterExceptionHandler {
  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cli = ex.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println("dso: error: " + message(ex));
    boolean suggested = CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    if (!suggested) {
      err.println();
    }
    cli.usage(err, cli.getColorScheme());
    err.flush();
    return ExitCodes.USAGE;
  }

  /** Picocli's message, except that a word where a command belongs is called an unknown command. */
  static String message(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.isUnknownOption()
        && !ex.getCommandLine().getSubcommands().isEmpty() && !u.getUnmatched().isEmpty()) {
      String name = ex.getCommandLine().getCommandSpec().qualifiedName();
      return "unknown command '" + u.getUnmatched().getFirst() + "' for '" + name + "'";
    }
    return ex.getMessage();
  }
}
