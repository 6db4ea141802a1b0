package io.dso.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The training run of the AOT cache built at package time: runs the one-shot commands the way
 * users do (help of every command, version, validate, the agent-less paths of the client commands,
 * the vault commands on a throwaway vault in the run's empty home) so that the JVM records the
 * classes they load. Never starts the agent or touches Docker.
 */
public final class AotTraining {
  /**
   * Command lines to replay, each only if its command exists: commands of the client side fail
   * fast here (no agent, an empty home), which is the path they take when measured, too.
   */
  private static final List<List<String>> RUNS = List.of(
      List.of("version"),
      List.of("--version"),
      List.of("--help"),
      List.of("no-such-command"),
      List.of("version", "--no-such-option"),
      List.of("status"),
      List.of("status", "--json"),
      List.of("secret", "get", "dso-aot-training/none"),
      // then the paths that open a vault (a throwaway one in the run's empty home): key derivation
      // and decryption are most of what `secret get` costs
      List.of("init"),
      List.of("secret", "set", "dso-aot-training/value", "--value", "training"),
      List.of("secret", "get", "dso-aot-training/value"),
      List.of("secret", "get", "dso-aot-training/value", "--json"),
      List.of("secret", "list"),
      List.of("fetch", "dso-aot-training/none"));

  private AotTraining() {}

  /** {@code args}: config files to validate (the distribution's examples). */
  public static void main(String[] args) {
    PrintStream out = System.out;
    PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
    List<List<String>> runs = new ArrayList<>();
    helpOfEveryCommand(Main.commandLine(), new ArrayList<>(), runs);
    for (List<String> run : RUNS) {
      if (run.getFirst().startsWith("-") || run.getFirst().equals("no-such-command")
          || Main.commandLine().getSubcommands().containsKey(run.getFirst())) {
        runs.add(run);
      }
    }
    for (String config : args) {
      runs.add(List.of("validate", "-c", config));
      runs.add(List.of("validate", "--json", "-c", config));
    }
    int done = 0;
    System.setOut(sink);
    System.setErr(sink);
    try {
      for (List<String> run : runs) {
        try {
          Main.run(run.toArray(String[]::new));
          done++;
        } catch (RuntimeException | LinkageError e) {
          // a command that cannot run here still loaded what it needs up to the failure
        }
      }
    } finally {
      System.setOut(out);
      System.setErr(out);
    }
    out.printf("AOT training: %d of %d command lines ran%n", done, runs.size());
  }

  private static void helpOfEveryCommand(CommandLine cli, List<String> path, List<List<String>> runs) {
    for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) {
        continue; // an alias: the command is visited under its name
      }
      List<String> sub = new ArrayList<>(path);
      sub.add(e.getKey());
      List<String> help = new ArrayList<>(sub);
      help.add("--help");
      runs.add(help);
      helpOfEveryCommand(e.getValue(), sub, runs);
    }
  }
}
