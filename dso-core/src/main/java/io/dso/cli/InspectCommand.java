package io.dso.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dso inspect <container>}: the secrets and keys a container holds (never values), from the agent. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Show which secrets a container holds: names, keys, version, injected-at; never values.")
public final class InspectCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "Container name or id.")
  String container;

  @Option(names = "--api-addr", defaultValue = "127.0.0.1:8471", description = "The agent's API (default: ${DEFAULT-VALUE}).")
  String apiAddr;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI uri = URI.create("http://" + apiAddr + "/api/containers/" + URLEncoder.encode(container, StandardCharsets.UTF_8));
    HttpResponse<String> r;
    try {
      r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      err.println("dso: error: no agent answers at " + apiAddr + "; start one with 'dso agent' or pass --api-addr");
      return 1;
    } catch (IOException e) {
      err.println("dso: error: asking the agent at " + apiAddr + " failed: " + e.getMessage());
      return 1;
    }
    JsonNode body = new ObjectMapper().readTree(r.body());
    if (r.statusCode() != 200) {
      err.println("dso: error: " + body.path("error").asText("agent answered " + r.statusCode()));
      return 1;
    }
    if (json) {
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(body));
      return 0;
    }
    out.printf("container %s (%s)%n", body.path("name").asText(), body.path("id").asText());
    if (body.path("secrets").isEmpty()) {
      out.println("  no secrets injected by dso");
      return 0;
    }
    out.printf("  %-28s %-5s %-14s %-26s %s%n", "SECRET", "MODE", "VERSION", "INJECTED AT", "KEYS");
    for (JsonNode s : body.path("secrets")) {
      String keys = String.join(",", toList(s.path("keys")));
      out.printf("  %-28s %-5s %-14s %-26s %s%s%n", s.path("secret").asText(), s.path("mode").asText(),
          s.path("version").asText("-"), s.path("injected_at").asText("-"), keys,
          s.path("path").isNull() ? "" : " at " + s.path("path").asText());
    }
    return 0;
  }

  private static java.util.List<String> toList(JsonNode array) {
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
