package io.dso.cli.diag;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.cli.VersionCommand;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dso sync}: asks the agent to fetch one secret, or all, now, and says what changed. */
@Command(name = "sync", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Refresh secrets now (one with --secret, else all); changed ones roll out as usual.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every refresh succeeded", "1:a refresh failed", "2:usage error", "3:the agent is not running",
        "4:no such secret", "5:permission denied"})
public final class SyncCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin AgentCall agent;

  @Option(names = "--secret", paramLabel = "NAME", description = "Refresh only this secret.")
  String secret;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return agent.run(err, client -> {
      JsonNode answer = client.post("/api/sync", secret == null ? Map.of() : Map.of("secret", secret));
      boolean failed = false;
      for (JsonNode r : answer.path("results")) {
        failed |= r.hasNonNull("error");
      }
      if (json) {
        Terminal.printJson(out, answer);
      } else {
        Table t = new Table("SECRET", "CHANGED", "VERSION", "ERROR");
        for (JsonNode r : answer.path("results")) {
          t.row(r.path("secret").asText(), r.hasNonNull("error") ? "-" : r.path("changed").asBoolean() ? "yes" : "no",
              r.hasNonNull("version") ? r.path("version").asText() : null,
              r.hasNonNull("error") ? r.path("error").asText() : null);
        }
        if (t.isEmpty()) {
          out.println("no secrets to refresh");
        } else {
          t.lines(0).forEach(out::println);
        }
        out.flush();
        if (failed) {
          err.println("dso: error: some refreshes failed (see ERROR above); the agent keeps serving the last good value meanwhile");
          err.flush();
        }
      }
      return failed ? AgentCall.FAILURE : AgentCall.OK;
    });
  }
}
