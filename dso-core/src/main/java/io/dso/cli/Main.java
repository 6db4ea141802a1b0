package io.dso.cli;

import picocli.CommandLine;

/** Entry point of {@code dso} and {@code docker-dso}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; never calls {@code System.exit}. */
  public static int run(String... args) {
    String[] effective = args;
    // Docker CLI plugins are invoked as `docker-dso dso <args>`: the first argument is our own name.
    if (args.length > 0 && args[0].equals("dso")) {
      effective = java.util.Arrays.copyOfRange(args, 1, args.length);
    }
    CommandLine cli = new CommandLine(new DsoCommand());
    cli.setExecutionExceptionHandler(new ErrorReporter());
    return cli.execute(effective);
  }
}
