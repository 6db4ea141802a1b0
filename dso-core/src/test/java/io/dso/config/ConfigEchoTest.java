package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a config message echoes: one line whatever the file holds, long values cut with their length. */
class ConfigEchoTest {
  private static String render(String yaml) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> new ConfigLoader(Map.of(), new StubProviderTypes()).parse(yaml, Path.of("dso.yaml")));
    assertThat(e).as("expected a ConfigException for:\n" + yaml).isNotNull();
    return e.render();
  }

  @Test
  void aSeventyKilobyteValueIsEchoedCutWithItsLength() {
    String rendered = render("provider: env\nagent:\n  watch:\n    mode: " + "x".repeat(70_000) + "\n");

    assertThat(rendered)
        .isEqualTo("dso.yaml:4: agent.watch.mode: unknown value '" + "x".repeat(200)
            + "...(70000 chars)'; use one of polling, event, hybrid");
  }

  @Test
  void aLongValueQuotedByAnyMessageIsCut() {
    String rendered = render("provider: env\nagent:\n  refresh_interval: " + "9".repeat(70_000) + "\n");

    assertThat(rendered).contains("'" + "9".repeat(200) + "...(").hasSizeLessThan(1_000);
  }

  @Test
  void newlinesAndEscapesInAValueCannotStartALine() {
    String rendered = render("provider: env\nagent:\n  watch:\n    mode: \"poll\\ndso.yaml:1: forged\\e[31m\"\n");

    assertThat(rendered.lines()).hasSize(1);
    assertThat(rendered).contains("'poll\\ndso.yaml:1: forged\\e[31m'");
  }

  @Test
  void anUnknownKeyWithControlCharactersIsEscaped() {
    String rendered = render("provider: env\nagent:\n  \"bad\\rkey\\u0085\": 1\n");

    assertThat(rendered.lines()).hasSize(1);
    assertThat(rendered).contains("bad\\rkey\\u0085");
  }

  @Test
  void devNullIsACharacterDeviceNotAFile() {
    assertThatThrownBy(() -> ConfigLoader.resolve(Path.of("/dev/null"), Path.of("/")))
        .isInstanceOf(ConfigUnreadableException.class)
        .hasMessage("config file /dev/null is a character device, not a file; pass the path of a dso.yaml file with -c");
  }

  @Test
  void aDirectoryIsNamedAsOne(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.resolve(dir, Path.of("/")))
        .isInstanceOf(ConfigUnreadableException.class)
        .hasMessage("config file " + dir + " is a directory, not a file; pass the file inside it, e.g. -c "
            + dir.resolve("dso.yaml"));
  }

  @Test
  void aMissingFileIsNotFound(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.resolve(Path.of("nope.yaml"), dir))
        .isInstanceOf(ConfigUnreadableException.class)
        .hasMessage("config file nope.yaml not found (looked at " + dir.resolve("nope.yaml")
            + "); check the path given with -c/--config");
  }

  @Test
  void aDanglingLinkSaysSo(@TempDir Path dir) throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("dso.yaml"), dir.resolve("gone.yaml"));

    assertThatThrownBy(() -> ConfigLoader.resolve(link, dir))
        .hasMessageContaining("is a symbolic link to a missing file");
  }

  @Test
  void anEmptyFileIsFoundAndReportedAsEmpty(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("dso.yaml"));

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> new ConfigLoader(Map.of(), new StubProviderTypes()).load(ConfigLoader.resolve(empty, dir)));

    assertThat(e.render()).isEqualTo(empty + ":1: the file is empty; start with a providers: section");
  }

  @Test
  void aPathWithANewlineIsEchoedEscaped(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.resolve(Path.of("a\nforged"), dir))
        .hasMessageStartingWith("config file a\\nforged not found");
  }
}
