package io.dso.cli.diag;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.cli.VersionCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dso logs}: the agent's audit records. The agent keeps its newest 500 records in memory
 * ({@code GET /api/events}); {@code --tail} prints the last N of those, {@code --follow} then
 * keeps streaming new ones ({@code GET /api/audit/stream}).
 */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Print the agent's recent audit records (the newest of the 500 it keeps); --follow keeps streaming.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:failure", "2:usage error", "3:the agent is not running", "5:permission denied"})
public final class LogsCommand implements Callable<Integer> {
  static final int KEPT = 500;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin AgentCall agent;

  @Option(names = {"-f", "--follow"}, description = "Keep streaming new records until Ctrl-C.")
  boolean follow;

  @Option(names = {"-n", "--tail"}, paramLabel = "N", defaultValue = "50",
      description = "How many recent records to print first, 0..500 (default: ${DEFAULT-VALUE}).")
  int tail;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (tail < 0 || tail > KEPT) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tail must be from 0 to " + KEPT + " (the agent keeps " + KEPT + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return agent.run(err, client -> {
      LinePrinter printer = new LinePrinter(out, json);
      if (tail > 0) {
        List<JsonNode> records = new ArrayList<>();
        client.get("/api/events?limit=" + tail).path("events").forEach(records::add);
        records.forEach(printer::print);
      }
      if (follow) {
        // Records written between the two calls may be missed or printed twice: they are separate requests.
        client.stream("/api/audit/stream", printer);
      }
      return AgentCall.OK;
    });
  }
}
