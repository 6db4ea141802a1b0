package io.dso.cli.secret;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.localvault.VaultException;
import io.dso.localvault.VaultNames;
import io.dso.observability.LogSafety;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What the vault commands share: {@code --json} and {@code --debug}, the name rule as a usage error,
 * and one line per failure with the documented exit code (1 failure, 4 not found, 5 permission denied).
 */
public final class VaultCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int NOT_FOUND = 4;
  static final int DENIED = 5;

  @Option(names = "--json", description = "Print JSON on stdout (nothing else goes to stdout).")
  boolean json;

  @Option(names = "--debug", description = "Print stack traces on errors.")
  boolean debug;

  /** A bad name is a usage error (exit 2) that states the rule. */
  static String checkName(CommandSpec spec, String name) {
    VaultNames.problem(name).ifPresent(p -> {
      throw new CommandLine.ParameterException(spec.commandLine(), p);
    });
    return name;
  }

  /** Prints {@code e} as one line on stderr and returns its exit code. */
  int fail(CommandSpec spec, VaultException e) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("dso: error: " + LogSafety.message(e.getMessage()));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return e.reason() == VaultException.Reason.PERMISSION ? DENIED : FAILED;
  }

  /** Prints a one-line error that is not an exception and returns {@code code}. */
  static int fail(CommandSpec spec, int code, String message) {
    spec.commandLine().getErr().println("dso: error: " + message);
    spec.commandLine().getErr().flush();
    return code;
  }

  /** {@code value} as indented JSON on stdout. */
  static void printJson(CommandSpec spec, Object value) {
    try {
      PrintWriter out = spec.commandLine().getOut();
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
      out.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON output", e);
    }
  }
}
