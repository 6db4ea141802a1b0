package io.dso.cli.diag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dso.cli.VersionCommand;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dso fetch NAME}: a secret as the agent holds it; values masked unless {@code --reveal}. */
@Command(name = "fetch", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Show a secret held by the agent: keys, version, provider; values only with --reveal (the read is audited).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:failure", "2:usage error", "3:the agent is not running", "4:no such secret",
        "5:permission denied"})
public final class FetchCommand implements Callable<Integer> {
  static final String MASK = "********";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin AgentCall agent;

  @Parameters(index = "0", paramLabel = "NAME", description = "The secret's name as in dso.yaml.")
  String name;

  @Option(names = "--reveal", description = "Print the values (otherwise masked).")
  boolean reveal;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return agent.run(err, client -> {
      JsonNode answer = client.post("/api/fetch", Map.of("secret", name));
      JsonNode shown = reveal ? answer : masked(answer);
      if (json) {
        Terminal.printJson(out, shown);
        return AgentCall.OK;
      }
      out.printf("secret %s (provider %s, version %s, fetched %s)%n", shown.path("secret").asText(name),
          shown.path("provider").asText("-"), shown.path("version").asText("-"), shown.path("fetched_at").asText("-"));
      Table t = new Table("KEY", "VALUE");
      shown.path("data").properties().forEach(e -> t.row(e.getKey(), e.getValue().asText()));
      if (t.isEmpty()) {
        out.println("  no keys");
      } else {
        t.lines(2).forEach(out::println);
      }
      if (!reveal) {
        out.println("values masked; pass --reveal to print them");
      }
      out.flush();
      return AgentCall.OK;
    });
  }

  /** The answer with every value replaced by {@link #MASK}; keys stay. */
  static JsonNode masked(JsonNode answer) {
    if (!answer.isObject()) {
      return Terminal.JSON.createObjectNode().put("masked", true); // nothing we know how to mask: show nothing
    }
    ObjectNode copy = answer.deepCopy();
    if (copy.get("data") instanceof ObjectNode data) {
      java.util.List<String> keys = new java.util.ArrayList<>();
      data.properties().forEach(e -> keys.add(e.getKey()));
      keys.forEach(k -> data.put(k, MASK));
    }
    copy.put("masked", true);
    return copy;
  }
}
