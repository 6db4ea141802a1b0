package io.dso.testing;

/**
 * The /metrics text of a freshly started agent with providers aws and vault, as the metrics contract
 * describes it: every labelled series exists at 0 from start-up.
 * Used to check deploy/ artefacts until tests can scrape the real agent.
 */
final class AgentExposition {
    private AgentExposition() {}

    static final String FRESH_AGENT = """
        # TYPE dso_secret_fetches_total counter
        dso_secret_fetches_total{provider="aws",status="success"} 0
        dso_secret_fetches_total{provider="aws",status="failed"} 0
        dso_secret_fetches_total{provider="vault",status="success"} 0
        dso_secret_fetches_total{provider="vault",status="failed"} 0
        # TYPE dso_provider_errors_total counter
        dso_provider_errors_total{provider="aws"} 0
        dso_provider_errors_total{provider="vault"} 0
        # TYPE dso_rotation_events_total counter
        dso_rotation_events_total{strategy="rolling",status="success"} 0
        dso_rotation_events_total{strategy="rolling",status="failed"} 0
        # TYPE dso_active_secrets gauge
        dso_active_secrets 0
        # TYPE dso_agent_uptime_seconds gauge
        dso_agent_uptime_seconds 1.5
        # TYPE dso_secret_fetch_duration_seconds histogram
        dso_secret_fetch_duration_seconds_bucket{provider="aws",le="0.1"} 0
        dso_secret_fetch_duration_seconds_bucket{provider="aws",le="1.0"} 0
        dso_secret_fetch_duration_seconds_bucket{provider="aws",le="+Inf"} 0
        dso_secret_fetch_duration_seconds_count{provider="aws"} 0
        dso_secret_fetch_duration_seconds_sum{provider="aws"} 0
        dso_secret_fetch_duration_seconds_bucket{provider="vault",le="0.1"} 0
        dso_secret_fetch_duration_seconds_bucket{provider="vault",le="1.0"} 0
        dso_secret_fetch_duration_seconds_bucket{provider="vault",le="+Inf"} 0
        dso_secret_fetch_duration_seconds_count{provider="vault"} 0
        dso_secret_fetch_duration_seconds_sum{provider="vault"} 0
        # TYPE dso_cache_hits_total counter
        dso_cache_hits_total 0
        # TYPE dso_cache_misses_total counter
        dso_cache_misses_total 0
        # TYPE dso_secret_last_success_timestamp_seconds gauge
        dso_secret_last_success_timestamp_seconds{provider="aws",secret="prod/db-creds"} 0
        # TYPE dso_secret_changes_total counter
        dso_secret_changes_total{provider="aws"} 0
        dso_secret_changes_total{provider="vault"} 0
        # TYPE dso_build_info gauge
        dso_build_info{version="0.1.0-SNAPSHOT"} 1
        # TYPE dso_docker_up gauge
        dso_docker_up 1
        """;
}
