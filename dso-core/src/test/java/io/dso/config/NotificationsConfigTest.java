package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The notifications: section: defaults, validation with pinned wording, and no URL or header value in a message. */
class NotificationsConfigTest {
  private static final String CANARY = "CANARY-n0t1fy-9d2e";

  private static DsoConfig load(String yaml, Map<String, String> env) {
    return new ConfigLoader(env, new StubProviderTypes()).parse("provider: env\n" + yaml, Path.of("dso.yaml"));
  }

  private static String problems(String yaml) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> load(yaml, Map.of("HOOK_TOKEN", CANARY)));
    assertThat(e).as("expected a ConfigException for:\n" + yaml).isNotNull();
    return e.render();
  }

  @Test
  void noSectionMeansNoDestinations() {
    assertThat(load("", Map.of()).notifications()).isEqualTo(NotificationSettings.NONE);
  }

  @Test
  void fullSectionIsReadWithEnvironmentInHeadersAndUrl() {
    NotificationSettings n = load("""
        notifications:
          provider_outage_after: 2s
          retry: { attempts: 3, backoff: 50ms, max_backoff: 2s }
          destinations:
            - name: ops-hook
              type: webhook
              url: https://hooks.example.com/dso
              events: [rotation_failure, provider_outage]
              headers: { Authorization: "Bearer ${HOOK_TOKEN}" }
              timeout: 2s
            - name: chat
              type: slack
              url: "http://127.0.0.1:9/services/${HOOK_TOKEN}"
        """, Map.of("HOOK_TOKEN", CANARY)).notifications();
    assertThat(n.providerOutageAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(n.retry()).isEqualTo(new RetrySettings(3, Duration.ofMillis(50), Duration.ofSeconds(2)));
    NotificationDestination hook = n.destinations().get(0);
    assertThat(hook.type()).isEqualTo(NotificationDestination.Type.WEBHOOK);
    assertThat(hook.events()).containsExactlyInAnyOrder("rotation_failure", "provider_outage");
    assertThat(hook.headers()).containsEntry("Authorization", "Bearer " + CANARY);
    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(2));
    NotificationDestination chat = n.destinations().get(1);
    assertThat(chat.type()).isEqualTo(NotificationDestination.Type.SLACK);
    assertThat(chat.events()).containsExactlyInAnyOrderElementsOf(NotificationDestination.EVENTS);
    assertThat(chat.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(n.toString()).doesNotContain(CANARY).contains("http://127.0.0.1:9");
  }

  @Test
  void defaultsAreFiveMinutesAndFiveAttemptsUpToAMinute() {
    NotificationSettings n = load("notifications:\n  destinations: []\n", Map.of()).notifications();
    assertThat(n.providerOutageAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(n.retry()).isEqualTo(new RetrySettings(5, Duration.ofSeconds(1), Duration.ofSeconds(60)));
  }

  @Test
  void unknownKeyInADestinationSuggestsTheClosest() {
    assertThat(problems("""
        notifications:
          destinations:
            - { name: a, type: webhook, url: "https://x.example/h", evnets: [rotation_success] }
        """)).isEqualTo("dso.yaml:4: notifications.destinations[0].evnets: unknown key (did you mean 'events'?)");
  }

  @Test
  void unknownTopLevelKeyOfTheSectionIsRejected() {
    assertThat(problems("notifications:\n  provider_outage_afer: 2s\n"))
        .isEqualTo("dso.yaml:3: notifications.provider_outage_afer: unknown key (did you mean 'provider_outage_after'?)");
  }

  @Test
  void unknownEventSuggestsTheClosest() {
    assertThat(problems("""
        notifications:
          destinations:
            - { name: a, type: slack, url: "https://x.example/h", events: [rotation_sucess] }
        """)).isEqualTo("dso.yaml:4: notifications.destinations[0].events[0]: unknown value 'rotation_sucess'; use one of"
            + " rotation_success, rotation_failure, rotation_rollback, provider_outage, provider_recovered"
            + " (did you mean 'rotation_success'?)");
  }

  @Test
  void badUrlsAreRefusedWithoutQuotingTheUrl() {
    String out = problems("""
        notifications:
          destinations:
            - { name: a, type: webhook, url: "ftp://files.example/${HOOK_TOKEN}" }
            - { name: b, type: webhook, url: "https://user:${HOOK_TOKEN}@x.example/h" }
            - { name: c, type: webhook, url: "https://x.example/a b/${HOOK_TOKEN}" }
            - { name: d, type: webhook, url: "/relative/${HOOK_TOKEN}" }
        """);
    assertThat(out).doesNotContain(CANARY).doesNotContain("HOOK_TOKEN").doesNotContain("files.example");
    assertThat(out).contains(
        "dso.yaml:4: notifications.destinations[0].url: must be an http:// or https:// URL; write http(s)://host[:port]/path",
        "dso.yaml:5: notifications.destinations[1].url: must not carry user:password@; put credentials in headers",
        "dso.yaml:6: notifications.destinations[2].url: is not a valid URL (Illegal character in path at index 19)",
        "dso.yaml:7: notifications.destinations[3].url: must be an http:// or https:// URL");
  }

  @Test
  void missingNameTypeAndUrlAreEachReported() {
    assertThat(problems("notifications:\n  destinations:\n    - { events: [rotation_success] }\n"))
        .contains("notifications.destinations[0].name: is missing", "notifications.destinations[0].type: is missing",
            "notifications.destinations[0].url: is missing");
  }

  @Test
  void duplicateNamesAndReservedHeadersAreRejected() {
    assertThat(problems("""
        notifications:
          destinations:
            - { name: a, type: webhook, url: "https://x.example/1" }
            - { name: a, type: slack, url: "https://x.example/2", headers: { Content-Type: text/plain } }
            - { name: a, type: slack, url: "https://x.example/3" }
        """)).isEqualTo(
            "dso.yaml:5: notifications.destinations[1].headers.Content-Type: is set by the agent itself; remove it\n"
            + "dso.yaml:6: notifications.destinations[2].name: duplicate destination name 'a'; give each destination its own name");
  }

  @Test
  void maxBackoffShorterThanBackoffIsAProblem() {
    assertThat(problems("notifications:\n  retry: { backoff: 10s, max_backoff: 1s }\n"))
        .isEqualTo("dso.yaml:3: notifications.retry.max_backoff: max_backoff (1s) is shorter than backoff (10s); raise"
            + " max_backoff or lower backoff");
  }

  @Test
  void plainHttpToLoopbackIsNotWarnedButToAnotherHostIs() {
    Values values = new Values(new Problems(Path.of("dso.yaml")), new Expander(Map.of()));
    NotificationsReader reader = new NotificationsReader(values);
    reader.read(YamlTree.compose("""
        destinations:
          - { name: local, type: webhook, url: "http://127.0.0.1:8080/h" }
          - { name: far, type: webhook, url: "http://hooks.example.com/h?token=abc" }
        """, values.problems()));
    assertThat(reader.warnings()).containsExactly("notification destination 'far' uses plain http to hooks.example.com:"
        + " payloads carry no values but do carry secret and container names; use https");
  }
}
