package io.dso.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One JSON endpoint served only on the agent's unix socket, to a peer the socket has already
 * authorised. Routes that are not about the socket itself (Compose plans, for example) plug in here.
 */
@FunctionalInterface
public interface SocketRoute {
  /**
   * Handles one request.
   *
   * @param user the peer as written in audit records: its user name, or {@code uid:<n>}
   * @param body the request's JSON body; an empty object for a GET or an empty body
   * @return a value Jackson serialises as the 200 response
   * @throws ApiException for a refusal the caller can act on (status and one-line message)
   */
  Object handle(String user, JsonNode body);
}
