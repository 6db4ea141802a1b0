package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in config-corpus/ is broken in one known way; its .expected sibling holds the rendered
 * problem lines. A line ending in "..." only has to be a prefix of the actual line.
 */
class BrokenConfigCorpusTest {
  static final Path CORPUS = RepoRoot.find().resolve("dso-core/src/test/resources/config-corpus");

  static Stream<String> corpus() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  static String rendered(String file) throws IOException {
    String text = Files.readString(CORPUS.resolve(file), StandardCharsets.UTF_8);
    Throwable thrown = catchThrowable(() ->
        new ConfigLoader(Map.of(), new StubProviderTypes()).parse(text, Path.of("dso.yaml")));
    assertThat(thrown).as(file).isInstanceOfAny(ConfigException.class, ConfigUnreadableException.class);
    return thrown instanceof ConfigException e ? e.render() : "UNREADABLE: " + thrown.getMessage();
  }

  @Test
  void corpusHasAtLeastTwentyFiveCases() throws IOException {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(25);
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void brokenConfigIsRejectedWithFileAndLine(String file) throws IOException {
    List<String> actual = rendered(file).lines().toList();
    Path expectedFile = CORPUS.resolve(file.replace(".yaml", ".expected"));
    assertThat(expectedFile).as("expected problems for " + file + "; actual:\n" + String.join("\n", actual)).exists();
    List<String> expected = Files.readAllLines(expectedFile).stream().filter(l -> !l.isBlank()).toList();

    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      String e = expected.get(i);
      if (e.endsWith("...")) {
        assertThat(actual.get(i)).startsWith(e.substring(0, e.length() - 3));
      } else {
        assertThat(actual.get(i)).isEqualTo(e);
      }
      assertThat(actual.get(i)).matches("dso\\.yaml:[1-9][0-9]*: .+");
    }
  }
}
