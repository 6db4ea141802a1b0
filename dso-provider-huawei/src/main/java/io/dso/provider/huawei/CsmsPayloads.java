package io.dso.provider.huawei;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.provider.PayloadJson;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretPayload;
import java.util.Map;

/**
 * A CSMS version as a payload: a secret_string holding a JSON object gives its keys (the console's
 * key/value form stores exactly that), any other secret_string is key {@code value}, and a
 * secret_binary (base64 on the wire) is key {@code value} as that base64 text.
 */
final class CsmsPayloads {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private CsmsPayloads() {}

  static SecretPayload of(String provider, String secret, String string, String binary) {
    if (string != null) {
      JsonNode object = jsonObject(string);
      return object != null ? PayloadJson.toPayload(object, provider, secret) : new SecretPayload(Map.of("value", string));
    }
    if (binary != null) {
      return new SecretPayload(Map.of("value", binary));
    }
    throw new ProviderException(provider, secret, false,
        "secret '" + secret + "' has neither secret_string nor secret_binary in this version; store a value in it");
  }

  /** The JSON object a string holds, or null for a plain string (including one that only looks like JSON). */
  private static JsonNode jsonObject(String s) {
    if (!s.stripLeading().startsWith("{")) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(s);
      return n != null && n.isObject() ? n : null;
    } catch (java.io.IOException e) {
      return null; // not JSON after all: a plain value; the parser's message may quote it, so it is dropped
    }
  }
}
