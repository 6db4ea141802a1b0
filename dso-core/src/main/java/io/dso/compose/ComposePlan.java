package io.dso.compose;

import java.util.List;
import java.util.Map;

/**
 * What {@code dso up} asks for and gets back: per Compose service, the environment variables whose
 * values hold secret references, and what to give the service for them.
 */
public final class ComposePlan {
  private ComposePlan() {}

  /** A service's variables that hold references: variable name to its template text. */
  public record ServiceRequest(String service, Map<String, String> env) {}

  /**
   * A plan request for one Compose project; with {@code dryRun} nothing is written and no value
   * is returned, only what would be injected.
   */
  public record Request(String project, List<ServiceRequest> services, boolean dryRun) {}

  /** A read-only bind mount of a directory on the agent's tmpfs into the service. */
  public record Mount(String source, String target) {}

  /** One secret a service uses: its name, the keys used, and how ({@code env} or {@code file}). */
  public record SecretUse(String secret, List<String> keys, String mode) {}

  /**
   * What a service gets: rendered variable values (absent on a dry run), mounts for file
   * references, labels that let the agent rotate it later, and the secrets it uses.
   */
  public record ServicePlan(
      String service,
      Map<String, String> env,
      List<Mount> mounts,
      Map<String, String> labels,
      List<SecretUse> secrets) {}

  /** The answer; {@code rotating} is true when a running agent will rotate these services. */
  public record Response(String project, List<ServicePlan> services, boolean rotating) {}
}
