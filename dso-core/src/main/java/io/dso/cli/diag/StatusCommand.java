package io.dso.cli.diag;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.cli.VersionCommand;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dso status}: the running agent, its providers, secrets, containers and recent rotations. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Show the running agent: health, providers, secrets (version, age), managed containers, recent rotations.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:the agent answered with an error", "2:usage error", "3:the agent is not running"})
public final class StatusCommand implements Callable<Integer> {
  static final Duration INTERVAL = Duration.ofSeconds(2);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin AgentCall agent;

  @Option(names = "--json", description = "Print JSON (with --watch: one document per line, per interval).")
  boolean json;

  @Option(names = "--watch", description = "Redraw every 2 s until Ctrl-C.")
  boolean watch;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Terminal term = Terminal.detect();
    StatusView view = new StatusView(term);
    return agent.run(err, client -> {
      while (true) {
        JsonNode status = client.get("/api/status");
        if (json) {
          if (watch) {
            out.println(Terminal.JSON.writeValueAsString(status));
            out.flush();
          } else {
            Terminal.printJson(out, status);
          }
        } else {
          if (watch && Terminal.interactive()) {
            out.print("\u001b[H\u001b[2J"); // redraw in place on a terminal only
          }
          view.render(status, Instant.now()).forEach(out::println);
          if (watch) {
            out.println();
          }
          out.flush();
        }
        if (!watch) {
          return AgentCall.OK;
        }
        try {
          Thread.sleep(INTERVAL);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return AgentCall.OK;
        }
      }
    });
  }
}
