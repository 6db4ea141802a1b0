package io.dso.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a provider's JSON into payloads. Errors carry only positions and key names: parser
 * messages quote the offending text, which may be a secret value.
 */
public final class PayloadJson {
  // Trailing content after the first value would otherwise be ignored silently.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private PayloadJson() {}

  /** Parses JSON text, reporting only line and column on failure. */
  public static JsonNode parse(String json, String provider, String secret, String what) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new ProviderException(
          provider, secret, false, what + " is not valid JSON" + where + "; fix the file and it is re-read");
    }
  }

  /**
   * A JSON object whose members are strings, numbers or booleans becomes a payload; nested values
   * are rejected naming the key, never the value.
   */
  public static SecretPayload toPayload(JsonNode object, String provider, String secret) {
    if (object == null || !object.isObject()) {
      throw new ProviderException(
          provider, secret, false,
          "secret '" + secret + "' in provider '" + provider + "' must be a JSON object of key/value pairs, found "
              + (object == null ? "nothing" : object.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (var e : object.properties()) {
      JsonNode v = e.getValue();
      if (!v.isValueNode() || v.isNull()) {
        throw new ProviderException(
            provider, secret, false,
            "secret '" + secret + "' key '" + e.getKey() + "' in provider '" + provider
                + "' must be a string, number or boolean (nested objects, arrays and null are not supported)");
      }
      values.put(e.getKey(), v.asText());
    }
    return new SecretPayload(values);
  }
}
