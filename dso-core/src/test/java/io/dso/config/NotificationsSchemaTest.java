package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The editor schema knows the notifications: section as the loader does. */
class NotificationsSchemaTest {
  private static final String VALID = """
      provider: env
      notifications:
        provider_outage_after: 2m
        retry: { attempts: 3, backoff: 500ms, max_backoff: 30s }
        destinations:
          - { name: hook, type: webhook, url: "https://x.example/h", events: [rotation_failure], headers: { A: b }, timeout: 2s }
          - { name: chat, type: slack, url: "${SLACK_URL}" }
      """;

  private static Schema schema() throws Exception {
    try (InputStream in = NotificationsSchemaTest.class.getResourceAsStream("/io/dso/config/dso.schema.json")) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(new ObjectMapper().readTree(in));
    }
  }

  @Test
  void aFullSectionMatchesAndMistakesDoNot() throws Exception {
    Schema schema = schema();
    YAMLMapper yaml = new YAMLMapper();
    assertThat(schema.validate(yaml.readTree(VALID))).isEmpty();
    assertThat(schema.validate(yaml.readTree(VALID.replace("events: [rotation_failure]", "events: [rotation_done]")))).isNotEmpty();
    assertThat(schema.validate(yaml.readTree(VALID.replace("type: slack", "type: teams")))).isNotEmpty();
    assertThat(schema.validate(yaml.readTree(VALID.replace("provider_outage_after", "outage_after")))).isNotEmpty();
  }
}
