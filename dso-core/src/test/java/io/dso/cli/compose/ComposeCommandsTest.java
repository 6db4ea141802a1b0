package io.dso.cli.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.cli.DsoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ComposeCommandsTest {
  private static CommandLine.ParseResult parse(String... args) {
    return new CommandLine(new DsoCommand()).parseArgs(args).subcommand();
  }

  @SuppressWarnings("unchecked")
  private static <T> T command(CommandLine.ParseResult r) {
    return (T) r.commandSpec().userObject();
  }

  @Test
  void upTakesItsOwnOptionsAnywhereAndPassesComposeOptionsOnInOrder() {
    UpCommand up = command(parse("up", "-d", "--build", "-f", "a.yml", "-t", "5", "web", "--file", "b.yml", "--dry-run"));
    assertThat(up.common.files).containsExactly("a.yml", "b.yml");
    assertThat(up.args).containsExactly("-d", "--build", "-t", "5", "web");
    assertThat(up.dryRun).isTrue();
  }

  @Test
  void composeLeavesEverythingFromTheComposeCommandOnToCompose() {
    ComposeCommand c = command(parse("compose", "-f", "a.yml", "-p", "shop", "logs", "-f", "--tail", "5", "api", "--json"));
    assertThat(c.common.files).containsExactly("a.yml");
    assertThat(c.common.project).isEqualTo("shop");
    assertThat(c.common.json).isFalse();
    assertThat(c.args).containsExactly("logs", "-f", "--tail", "5", "api", "--json");
    ComposeCommand unknownFirst = command(parse("compose", "--verbose", "ps"));
    assertThat(unknownFirst.args).containsExactly("--verbose", "ps");
  }

  @Test
  void downPassesComposeOptionsOn() {
    DownCommand d = command(parse("down", "-v", "--remove-orphans", "-p", "shop", "--json"));
    assertThat(d.args).containsExactly("-v", "--remove-orphans");
    assertThat(d.common.project).isEqualTo("shop");
    assertThat(d.common.json).isTrue();
  }

  @Test
  void composeWithoutACommandIsAUsageErrorWithExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new DsoCommand()).setErr(new PrintWriter(err));
    assertThat(cli.execute("compose")).isEqualTo(2);
    assertThat(err.toString()).contains("COMPOSE_ARGS");
  }

  @Test
  void everyCommandsHelpRendersWithItsExitCodes() {
    for (String name : List.of("up", "down", "compose")) {
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(new DsoCommand()).setOut(new PrintWriter(out));
      assertThat(cli.execute(name, "--help")).as(name).isZero();
      assertThat(out.toString()).as(name).contains("Usage: dso " + name).contains("Exit codes:").contains("--file");
    }
  }

  @Test
  void theOneCommandFastPathKeepsThePassThroughOfComposeOptions() throws Exception {
    var build = io.dso.cli.Main.class.getDeclaredMethod("commandLine", String[].class);
    build.setAccessible(true);
    for (String name : List.of("up", "down", "compose")) {
      CommandLine cli = (CommandLine) build.invoke(null, (Object) new String[] {name, "-d"});
      assertThat(cli.getSubcommands().get(name).getCommandSpec().parser().unmatchedOptionsArePositionalParams()).as(name).isTrue();
    }
    CommandLine.ParseResult r = ((CommandLine) build.invoke(null, (Object) new String[] {"up"})).parseArgs("up", "-d", "--build");
    UpCommand up = command(r.subcommand());
    assertThat(up.args).containsExactly("-d", "--build");
  }
}
