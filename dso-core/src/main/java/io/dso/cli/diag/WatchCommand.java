package io.dso.cli.diag;

import io.dso.cli.VersionCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dso watch}: the agent's live events, one line each, until Ctrl-C or the agent stops. */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Print the agent's events live (fetches, changes, injections, rotations), one line each, until Ctrl-C.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the agent ended the stream", "1:failure", "2:usage error", "3:the agent is not running",
        "5:permission denied"})
public final class WatchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin AgentCall agent;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return agent.run(err, client -> {
      client.stream("/api/events/stream", new LinePrinter(out, json));
      return AgentCall.OK;
    });
  }
}
