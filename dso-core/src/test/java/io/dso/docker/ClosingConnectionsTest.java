package io.dso.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClosingConnectionsTest {
  @Test
  void createAndInspectCloseTheirConnectionOtherCallsKeepIt() {
    assertThat(ClosingConnections.carriesValues("/v1.41/containers/create?name=web")).isTrue();
    assertThat(ClosingConnections.carriesValues("/v1.41/containers/0123abcd/json")).isTrue();
    assertThat(ClosingConnections.carriesValues("/v1.41/containers/web/json?size=false")).isTrue();

    assertThat(ClosingConnections.carriesValues("/v1.41/containers/json?all=true")).isFalse();
    assertThat(ClosingConnections.carriesValues("/v1.41/containers/web/start")).isFalse();
    assertThat(ClosingConnections.carriesValues("/v1.41/events")).isFalse();
    assertThat(ClosingConnections.carriesValues("/_ping")).isFalse();
  }
}
