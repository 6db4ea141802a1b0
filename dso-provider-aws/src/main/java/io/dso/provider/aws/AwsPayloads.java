package io.dso.provider.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.provider.PayloadJson;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretPayload;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;

/**
 * A Secrets Manager value as a payload: a SecretString holding a JSON object gives its keys, any other
 * SecretString is key {@code value}, and a SecretBinary is key {@code value} as base64 (the value of an
 * environment variable or a text file cannot hold arbitrary bytes). Tags, when asked for, are added
 * as {@code _TAG_<KEY>}.
 */
final class AwsPayloads {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern NOT_ENV = Pattern.compile("[^A-Za-z0-9_]");

  private AwsPayloads() {}

  static SecretPayload of(String provider, String secret, String string, SdkBytes binary, Map<String, String> tags) {
    Map<String, String> values = new LinkedHashMap<>();
    if (string != null) {
      JsonNode object = jsonObject(string);
      if (object != null) {
        values.putAll(PayloadJson.toPayload(object, provider, secret).values());
      } else {
        values.put("value", string);
      }
    } else if (binary != null) {
      values.put("value", Base64.getEncoder().encodeToString(binary.asByteArray()));
    } else {
      throw new ProviderException(provider, secret, false,
          "secret '" + secret + "' has neither SecretString nor SecretBinary in this version; store a value in it");
    }
    tags.forEach((k, v) -> values.putIfAbsent("_TAG_" + NOT_ENV.matcher(k).replaceAll("_").toUpperCase(java.util.Locale.ROOT), v));
    return new SecretPayload(values);
  }

  /** The JSON object a string holds, or null when it is a plain string (including one that only looks like JSON). */
  private static JsonNode jsonObject(String s) {
    if (!s.stripLeading().startsWith("{")) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(s);
      return n != null && n.isObject() ? n : null;
    } catch (java.io.IOException e) {
      return null; // e.g. an LDAP "{SSHA}..." hash: a plain value; the parser's text may quote it, so it is dropped
    }
  }
}
