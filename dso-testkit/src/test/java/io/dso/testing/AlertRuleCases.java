package io.dso.testing;

import java.nio.file.Path;

/** {@code promtool test rules} cases for deploy/prometheus/dso-alerts.yml: each alert fires, and only then. */
final class AlertRuleCases {
    private AlertRuleCases() {}

    static String yaml(Path rules) {
        return """
            rule_files: ["%s"]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'dso_provider_errors_total{job="dso",instance="a:9090",provider="aws"}'
                    values: '0+1x40'
                  - series: 'dso_provider_errors_total{job="dso",instance="a:9090",provider="vault"}'
                    values: '0x40'
                  - series: 'up{job="dso",instance="a:9090"}'
                    values: '1 1 0x40'
                  - series: 'dso_agent_uptime_seconds{job="dso",instance="a:9090"}'
                    values: '0+60x40'
                  - series: 'dso_docker_up{job="dso",instance="a:9090"}'
                    values: '1 0x40'
                  - series: 'dso_secret_last_success_timestamp_seconds{job="dso",instance="a:9090",provider="aws",secret="prod/db"}'
                    values: '0x40'
                  - series: 'dso_secret_last_success_timestamp_seconds{job="dso",instance="a:9090",provider="vault",secret="fresh"}'
                    values: '0+60x40'
                alert_rule_test:
                  - {eval_time: 2m, alertname: DsoAgentDown, exp_alerts: []}
                  - {eval_time: 2m, alertname: DsoDockerUnreachable, exp_alerts: []}
                  - eval_time: 5m
                    alertname: DsoAgentDown
                    exp_alerts:
                      - exp_labels: {severity: critical, reason: scrape_failed, job: dso, instance: "a:9090"}
                        exp_annotations:
                          summary: "DSO agent a:9090 is down"
                          description: "Prometheus has not been able to scrape the DSO agent at a:9090 for 1 minute: secrets are neither refreshed nor rotated."
                  - eval_time: 5m
                    alertname: DsoDockerUnreachable
                    exp_alerts:
                      - exp_labels: {severity: critical, job: dso, instance: "a:9090"}
                        exp_annotations:
                          summary: "DSO agent a:9090 cannot reach Docker"
                          description: "The DSO agent at a:9090 has not reached the Docker Engine API for 2 minutes: no secret can be injected or rotated."
                  - {eval_time: 4m, alertname: DsoProviderFailing, exp_alerts: []}
                  - eval_time: 10m
                    alertname: DsoProviderFailing
                    exp_alerts:
                      - exp_labels: {severity: warning, provider: aws}
                        exp_annotations:
                          summary: "DSO provider aws is failing"
                          description: "Provider aws has returned errors for 5 minutes (16.67m errors/s). Cached values are served while it is down; check the agent's audit log (event secret_fetch, status failed) for the cause."
                  - {eval_time: 20m, alertname: DsoSecretStale, exp_alerts: []}
                  - eval_time: 30m
                    alertname: DsoSecretStale
                    exp_alerts:
                      - exp_labels: {severity: warning, job: dso, instance: "a:9090", provider: aws, secret: prod/db}
                        exp_annotations:
                          summary: "Secret prod/db from provider aws is stale"
                          description: "The last successful fetch of secret prod/db from provider aws was 30m 0s ago (more than 15 minutes; a secret never fetched successfully counts from 1970). Containers keep the old value."
              - interval: 1m
                input_series:
                  - series: 'up{job="dso",instance="a:9090"}'
                    values: '1x10'
                alert_rule_test:
                  - eval_time: 5m
                    alertname: DsoAgentDown
                    exp_alerts:
                      - exp_labels: {severity: critical, reason: no_metrics}
                        exp_annotations:
                          summary: "No DSO agent reports metrics"
                          description: "The series dso_agent_uptime_seconds is absent: no DSO agent is being scraped (not running, or the scrape configuration lost it)."
            """.formatted(rules.toAbsolutePath());
    }
}
