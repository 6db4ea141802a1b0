package io.dso.api;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses requests whose {@code Host} header names anything but this machine's loopback (or the
 * address the API is bound to). A web page that rebinds its own DNS name to 127.0.0.1 can make a
 * browser reach the API, but the browser still sends the page's name as {@code Host}: refusing it
 * closes that path. A request without {@code Host} (HTTP/1.0) is allowed: browsers always send one.
 */
final class HostCheck {
  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){2}");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  private final Set<String> extra;

  private HostCheck(Set<String> extra) {
    this.extra = extra;
  }

  /**
   * The check for an API bound to {@code bindHost}: loopback names always, and the bound address
   * itself when it is not a wildcard (0.0.0.0 or ::, which name no host a client could send).
   */
  static HostCheck forBind(String bindHost) {
    String h = bindHost == null ? "" : bindHost.toLowerCase(Locale.ROOT);
    if (h.contains(":") && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    boolean wildcard = h.isEmpty() || h.equals("0.0.0.0") || h.equals("[::]") || h.equals("[0:0:0:0:0:0:0:0]");
    return new HostCheck(wildcard ? Set.of() : Set.of(h));
  }

  /** Whether a request with this {@code Host} header value (null when absent) is served. */
  boolean allows(String hostHeader) {
    if (hostHeader == null) {
      return true;
    }
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon >= 0 && colon > host.lastIndexOf(']')) {
      String port = host.substring(colon + 1);
      if (!PORT.matcher(port).matches()) {
        return false;
      }
      host = host.substring(0, colon);
    }
    return host.equals("localhost") || host.equals("[::1]") || IPV4_LOOPBACK.matcher(host).matches() || extra.contains(host);
  }
}
