package io.dso.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The API handlers see the agent only through narrow views; one adapter class narrows it. */
class NarrowViewsTest {
  @Test
  void onlyTheAdapterImportsTheAgent() throws IOException {
    Path api = Path.of("src/main/java/io/dso/api");
    List<String> users;
    try (Stream<Path> files = Files.list(api)) {
      users = files.filter(p -> {
        try {
          return Files.readString(p).contains("io.dso.agent.");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).map(p -> p.getFileName().toString()).toList();
    }
    assertThat(users).containsExactly("AgentViews.java");
  }
}
