package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON Schema shipped for editors accepts every example and rejects typical mistakes, like the loader. */
class SchemaTest {
  private static final Path ROOT = RepoRoot.find();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static Schema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in = SchemaTest.class.getResourceAsStream("/io/dso/config/dso.schema.json")) {
      assertThat(in).as("dso.schema.json on the classpath").isNotNull();
      JsonNode node = new ObjectMapper().readTree(in);
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(node);
    }
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT.resolve("examples"))) {
      return files.filter(p -> p.getFileName().toString().equals("dso.yaml")).sorted().toList().stream();
    }
  }

  private static List<Error> validate(Path yaml) throws IOException {
    return schema.validate(YAML.readTree(yaml.toFile()));
  }

  @Test
  void thereAreExamplesToCheck() throws IOException {
    assertThat(examples().map(p -> ROOT.relativize(p).toString()))
        .contains("examples/quickstart/dso.yaml", "examples/full/dso.yaml", "examples/multi-provider/dso.yaml");
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleMatchesTheSchemaAndLoads(Path example) throws IOException {
    assertThat(validate(example)).as(example.toString()).isEmpty();
    assertThat(new ConfigLoader(Map.of(), new StubProviderTypes()).load(example).source()).isEqualTo(example.toAbsolutePath().normalize());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "01-misspelt-key", "03-bad-duration", "04-negative-duration", "08-shorthand-and-providers", "09-no-providers",
      "10-empty-secret-name", "16-env-with-path", "22-max-parallel-zero", "23-polling-interval-too-short",
      "24-webhook-without-token", "25-bad-signal", "30-bad-container-name", "31-signal-with-other-type",
      "33-unknown-top-level-key", "34-bad-provider-name", "38-version-2", "91-allow-reserved-only-for-env",
      "92-label-targeting-bad-values"})
  void brokenCorpusFilesAreRejectedByTheSchemaToo(String name) throws IOException {
    assertThat(validate(BrokenConfigCorpusTest.CORPUS.resolve(name + ".yaml"))).as(name).isNotEmpty();
  }
}
