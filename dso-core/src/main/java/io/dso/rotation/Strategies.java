package io.dso.rotation;

import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerDetails;
import io.dso.docker.DockerEngine;
import io.dso.inject.InjectionPlan;
import io.dso.inject.Labels;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a container's strategy: its {@code dso.update.strategy} label, else the first changed
 * secret's {@code rotation.strategy}/{@code reload_strategy}, else {@code agent.rotation.strategy};
 * {@code auto} is scored by {@link StrategyDecision} and the decision audited; an explicit
 * {@code rolling} is checked against the container (fixed addresses, shared data) and the check audited.
 */
final class Strategies {
  private static final Logger LOG = LoggerFactory.getLogger(Strategies.class);
  private final DsoConfig config;
  private final DockerEngine docker;
  private final AuditLog audit;
  private final HealthGate gate;
  private final Duration grace;

  Strategies(DsoConfig config, DockerEngine docker, AuditLog audit, StopSignal stop) {
    this.config = config;
    this.docker = docker;
    this.audit = audit;
    this.gate = new HealthGate(docker, config.agent().rotation().healthCheckTimeout(), stop);
    this.grace = config.agent().restartGracePeriod();
  }

  RotationStrategy choose(InjectionPlan plan) {
    ContainerDetails c = plan.container();
    SecretSpec driver = plan.changed().isEmpty() ? plan.target().secrets().getFirst() : plan.changed().getFirst();
    String name = c.labels().get(Labels.STRATEGY);
    if (name == null) {
      name = driver.rotationStrategy();
    }
    if (name == null && driver.reloadStrategy() != null) {
      name = driver.reloadStrategy().type();
    }
    if (name == null) {
      name = config.defaults().rotationStrategy();
    }
    if (name == null) {
      name = config.agent().rotation().strategy();
    }
    Optional<StrategyDecision> decision = name.equals("auto")
        ? Optional.of(StrategyDecision.of(c)) : StrategyDecision.checkExplicit(c, name);
    if (decision.isPresent()) {
      StrategyDecision d = decision.get();
      announce(c, driver, d);
      name = d.strategy();
    }
    return build(name, driver);
  }

  /** Audits a decision (and logs what overrides or endangers the configured strategy) before the rotation starts. */
  private void announce(ContainerDetails c, SecretSpec driver, StrategyDecision d) {
    AuditEvent e = AuditEvent.audit("strategy_decision", driver.provider(), driver.name(), "success")
        .withContainer(c.id())
        .withExtra("strategy", d.strategy())
        .withExtra("requested", d.requested());
    if (d.scored()) {
      e = e.withExtra("score", d.score());
    }
    e = e.withExtra("reasons", String.join("; ", d.reasons()));
    if (!d.warning().isEmpty()) {
      e = e.withExtra("warning", d.warning());
      LOG.warn("container {}: {}", c.name(), d.warning());
    } else if (!d.scored()) {
      LOG.info("container {}: strategy {} instead of {}: {}", c.name(), d.strategy(), d.requested(),
          String.join("; ", d.reasons()));
    }
    audit.record(e);
  }

  /** For a first injection under signal/none: the auto decision between rolling and restart, unaudited. */
  RotationStrategy replacing(ContainerDetails c, InjectionPlan plan) {
    return build(StrategyDecision.of(c).strategy(), plan.target().secrets().getFirst());
  }

  private RotationStrategy build(String name, SecretSpec driver) {
    return switch (name) {
      case "rolling" -> RotationStrategy.rolling(docker, gate, grace);
      case "restart" -> RotationStrategy.restart(docker, gate, grace);
      case "signal" -> RotationStrategy.signal(docker,
          driver.reloadStrategy() != null && driver.reloadStrategy().signal() != null ? driver.reloadStrategy().signal() : "SIGHUP");
      case "none" -> RotationStrategy.none();
      default -> throw new IllegalStateException("unknown strategy '" + name + "' (validated earlier)");
    };
  }
}
