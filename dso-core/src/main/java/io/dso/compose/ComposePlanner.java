package io.dso.compose;

/**
 * Resolves the secret references of a Compose project into what each service gets: inside the
 * agent (served on its unix socket) or in the CLI's own process when no agent runs.
 */
public interface ComposePlanner {
  /**
   * Plans {@code request}.
   *
   * @throws io.dso.api.ApiException naming the service, the variable and the reference when a
   *     reference cannot be resolved; nothing is written then
   */
  ComposePlan.Response plan(ComposePlan.Request request);
}
